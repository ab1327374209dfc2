using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Dts.Core.Tcp;
using Dts.Linux.Namespaces;
using Dts.Linux.Netfilter;
using Dts.Linux.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Dts.Linux.Tests.Netfilter;

public sealed partial class NftFlowTableTests(ITestOutputHelper output) : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly IPAddress ClientAddress = IPAddress.Parse("198.18.0.5");
    private const ushort Port = 80;

    private readonly TestNamespaces _namespaces = new();

    public void Dispose() => _namespaces.Dispose();

    [RootFact]
    public void Install_Twice_LeavesExactlyOneTableWithTheRules()
    {
        NetworkNamespace ns = _namespaces.Add("nft");
        string name = $"dtslt{Random.Shared.Next(1 << 20):x}";
        var options = new NftFlowTableOptions { Vip = Vip, Port = Port, Buckets = 64, HashSeed = 0x5eed, TableName = name };
        using NftFlowTable table = ns.Run(() => new NftFlowTable(options));

        table.Install();
        table.AddHandedOut(Flow(40000));
        table.SetBuckets([9, 1, 2, 3, 7, 63, 2]);
        table.Install();

        string tables = Nft(ns, "list", "tables");
        Assert.Equal([$"table inet {name}", $"table arp {name}_arp"], tables.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(table.ContainsHandedOut(Flow(40000)), "re-installing (a restarted node) keeps the flows it handed out");

        string ruleset = Nft(ns, "list", "ruleset");
        Assert.Contains("flags dynamic,timeout", ruleset);
        Assert.Contains("type filter hook prerouting priority raw; policy accept;", ruleset);
        Assert.Contains("ip daddr 198.18.0.100 meta pkttype multicast meta pkttype set host", ruleset);
        Assert.Contains("ip daddr 198.18.0.100 tcp dport 80 ip saddr . tcp sport @handed_out update @handed_out { ip saddr . tcp sport timeout 2m } drop", ruleset);
        Assert.Contains("ip daddr 198.18.0.100 tcp dport 80 socket wildcard 0 accept", ruleset);
        // Re-installing keeps the buckets the membership gave (folded into ranges), and the listener condition.
        Assert.Contains("jhash ip saddr . tcp sport mod 64 seed 0x5eed { 1-3, 7, 9, 63 } socket transparent 0 accept", ruleset);
        Assert.Equal([1, 2, 3, 7, 9, 63], table.Buckets);
        Assert.EndsWith("ip daddr 198.18.0.100 tcp dport 80 drop", ruleset[..ruleset.IndexOf("chain out", StringComparison.Ordinal)].TrimEnd().TrimEnd('}').TrimEnd());
        Assert.Contains("ip saddr 198.18.0.100 tcp sport 80 ip daddr . tcp dport @handed_out drop", ruleset);
        Assert.Contains("ip saddr 198.18.0.100 tcp sport 80 ip daddr . tcp dport @closed drop", ruleset);
        Assert.Contains("ip saddr 198.18.0.100 tcp sport 80 tcp flags syn,ack / syn,ack update @embryonic { ip daddr . tcp dport timeout 3s }", ruleset);
        Assert.Contains("ip saddr 198.18.0.100 tcp sport 80 tcp flags rst ip daddr . tcp dport @embryonic drop", ruleset);

        table.SetBuckets([]);
        Assert.DoesNotContain("jhash", Nft(ns, "list", "chain", "inet", name, "buckets"));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.SetBuckets([64]));
        Assert.Contains("arp operation reply arp saddr ip 198.18.0.100 arp saddr ether set 01:00:5e:12:00:64", ruleset);

        // The context acts on the namespace it was created in, not the test process's namespace.
        Assert.NotEqual(0, Shell.TryRun("nft", "list", "table", "inet", name).ExitCode);

        table.Uninstall();
        table.Uninstall();
        Assert.Equal(string.Empty, Nft(ns, "list", "tables").Trim());
    }

    [RootFact]
    public void HandedOut_AddContainsRemove()
    {
        NetworkNamespace ns = _namespaces.Add("nft");
        using NftFlowTable table = ns.Run(() => new NftFlowTable(Options()));
        table.Install();
        FlowKey a = Flow(40001), b = Flow(40002);

        Assert.False(table.ContainsHandedOut(a));
        table.AddHandedOut(a);
        Assert.True(table.ContainsHandedOut(a));
        Assert.False(table.ContainsHandedOut(b));
        Assert.False(table.ContainsClosed(a));

        table.RemoveHandedOut(a);
        Assert.False(table.ContainsHandedOut(a));
        table.RemoveHandedOut(a); // missing: not an error

        table.Uninstall();
        NftException error = Assert.Throws<NftException>(() => table.AddHandedOut(a));
        Assert.Contains("handed_out", error.Command);
        Assert.Contains("No such file or directory", error.Error);
    }

    [RootFact]
    public void AddHandedOut_Latency_IsPrinted()
    {
        NetworkNamespace ns = _namespaces.Add("nft");
        using NftFlowTable table = ns.Run(() => new NftFlowTable(Options()));
        table.Install();
        table.AddHandedOut(Flow(1)); // warm-up

        const int Count = 300;
        var samples = new double[Count];
        for (int i = 0; i < Count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            table.AddHandedOut(Flow(10000 + i));
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(samples);
        string line = string.Create(CultureInfo.InvariantCulture,
            $"AddHandedOut latency over {Count} calls: median {samples[Count / 2]:F0} us, p90 {samples[Count * 9 / 10]:F0} us, p99 {samples[Count * 99 / 100]:F0} us, max {samples[^1]:F0} us");
        output.WriteLine(line);
        Console.WriteLine(line);
        Assert.True(table.ContainsHandedOut(Flow(10000 + Count - 1)));
    }

    private static NftFlowTableOptions Options(TimeSpan? idle = null) => new()
    {
        Vip = Vip,
        Port = Port,
        Buckets = 2,
        HashSeed = 0x5eed,
        FlowIdleTimeout = idle ?? TimeSpan.FromSeconds(120),
    };

    private static FlowKey Flow(int clientPort) => new(new IPEndPoint(ClientAddress, clientPort), new IPEndPoint(Vip, Port));

    private static string Nft(NetworkNamespace ns, params string[] args) => Shell.Run("ip", ["netns", "exec", ns.Name, "nft", .. args]);
}
