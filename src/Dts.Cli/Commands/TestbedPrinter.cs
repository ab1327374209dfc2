using Dts.Core.Telemetry;
using System.Globalization;
using Dts.Testbed;
using DtsTestbed = Dts.Testbed.Testbed;

namespace Dts.Cli.Commands;

/// <summary>Human-readable output of testbed commands.</summary>
internal static class TestbedPrinter
{
    public static void PrintUp(DtsTestbed tb)
    {
        var o = tb.Options;
        Console.WriteLine($"testbed {tb.RunId} is up: {tb.NodeCount} nodes, mechanism {o.Mechanism}, hash seed 0x{o.HashSeed:x}, membership {o.Membership}, {o.Buckets} buckets");
        Console.WriteLine($"  run directory  {tb.RunDirectory}  (certificates, n<i>.json, n<i>.log)");
        Console.WriteLine($"  switch         {tb.SwitchNamespace,-26} br0, multicast snooping off");
        Console.WriteLine($"  router         {tb.RouterNamespace,-26} {tb.RouterNodeSideAddress} / {tb.RouterClientSideAddress}");
        Console.WriteLine($"  client         {tb.ClientNamespace,-26} {tb.ClientAddress}");
        for (int i = 1; i <= tb.NodeCount; i++)
        {
            string process = tb.NodeProcessId(i) is int pid ? $"pid {pid}" : "no process";
            Console.WriteLine($"  {tb.NodeId(i),-14} {tb.NodeNamespace(i),-26} {tb.NodeAddress(i),-14} {process}");
        }

        Console.WriteLine($"  VIP            {tb.Vip}:{tb.Port} (multicast MAC {tb.VipMulticastMac})");
        if (tb.EtcdEndpoints.Count > 0)
        {
            Console.WriteLine($"  etcd           {string.Join(',', tb.EtcdEndpoints)}  prefix {tb.EtcdPrefix}  (etcd-n<i>.log)");
        }

        Console.WriteLine("try:");
        Console.WriteLine($"  ip netns exec {tb.ClientNamespace} curl http://{tb.Vip}/whoami");
        Console.WriteLine($"  ip netns exec {tb.ClientNamespace} curl {tb.ManagementUri(1, "/dts/stats")}     (operators' endpoints: each node's address, port {tb.ManagementPort}; never the VIP)");
        Console.WriteLine($"  ip netns exec {tb.NodeNamespace(1)} nft list ruleset");
        Console.WriteLine($"  tail -f {tb.NodeLogPath(1)}");
        Console.WriteLine($"  ./dts.sh testbed node kill|stop|start {tb.RunId} {tb.NodeId(1)}     (kill: SIGKILL, a crash; stop: SIGTERM, a drain; start: bring it back)");
        Console.WriteLine("  ./dts.sh status");
        if (tb.EtcdEndpoints.Count > 0)
        {
            Console.WriteLine($"  ip netns exec {tb.NodeNamespace(1)} etcdctl --endpoints {tb.EtcdEndpoints[0]} get --prefix {tb.EtcdPrefix}");
        }

        Console.WriteLine("remove:");
        Console.WriteLine($"  ./dts.sh testbed down {tb.RunId}");
    }

    public static void PrintList(IReadOnlyList<TestbedInfo> testbeds)
    {
        if (testbeds.Count == 0)
        {
            Console.WriteLine("no testbeds");
            return;
        }

        Console.WriteLine($"{"RUN ID",-16} {"STATE",-10} {"OWNER",-8} {"NODES",5}  {"NS",3}  CLIENT / VIP");
        foreach (var t in testbeds)
        {
            string state = t.IsDetached ? "detached" : t.IsLeftover ? "leftover" : t.IsOwnerAlive ? "live" : "unknown";
            string owner = t.OwnerProcessId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-";
            string nodes = t.NodeCount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?";
            string reach = t.ClientNamespace is not null ? $"{t.ClientNamespace} -> {t.Vip}:{t.Port}" : "-";
            Console.WriteLine($"{t.RunId,-16} {state,-10} {owner,-8} {nodes,5}  {t.Namespaces.Count,3}  {reach}");
        }
    }

    /// <summary>
    /// One node's membership view on one line:
    /// <c>Etcd rev 17 store ok, 86/256 buckets [n1 Active 86, n2 Active 85, n3 Draining 0]</c>, with <c>FENCED</c>,
    /// <c>draining</c> and <c>gaining</c> (waiting for the others to confirm a table) when set.
    /// </summary>
    public static string FormatMembership(DtsMembershipStats? m)
    {
        if (m is null)
        {
            return "membership: not reported";
        }

        string store = m.StoreReachable ? "store ok" : "store UNREACHABLE";
        string flags = (m.Fenced ? ", FENCED" : string.Empty) + (m.Draining ? ", draining" : string.Empty) + (m.GainPending ? ", gaining" : string.Empty);
        string members = string.Join(", ", m.Members.Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.Id} {x.State} {x.Buckets}")));
        return string.Create(CultureInfo.InvariantCulture, $"{m.Mode} rev {m.Revision} {store}{flags}, {m.SelfBuckets}/{m.Buckets} buckets [{members}]");
    }
}
