using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Dts.Core.Ownership;
using Dts.Linux.Namespaces;

namespace Dts.Linux.Doctor;

public static partial class NodeDoctor
{
    /// <summary>
    /// The node's namespace: the VIP on <c>lo</c>, its multicast MAC joined on the interfaces that face the router
    /// (the VIP's path), and on each of them the sysctls that break a broadcast cluster. Everything is read on a
    /// thread inside the namespace (/proc/sys/net and /proc/thread-self/net follow the reading thread's namespace).
    /// </summary>
    private static List<DoctorCheck> CheckNode(NodeDoctorOptions options)
    {
        if (options.Vip is { AddressFamily: not AddressFamily.InterNetwork } v)
        {
            return [new("VIP", DoctorStatus.Fail, $"{v} is not an IPv4 address", "the product's nft rules are IPv4 only: give an IPv4 VIP")];
        }

        if (options.Namespace is null)
        {
            return CheckNodeHere(options, fixPrefix: string.Empty);
        }

        NetworkNamespace? ns = null;
        try
        {
            try
            {
                ns = NetworkNamespace.Open(options.Namespace);
            }
            catch (Exception ex) when (ex is LinuxSocketException or ArgumentException)
            {
                return [new("netns", DoctorStatus.Fail, $"cannot enter namespace '{options.Namespace}': {ex.Message}",
                    "give the node's namespace: a name from `ip netns list` or a path such as /proc/PID/ns/net")];
            }

            string prefix = options.Namespace.Contains('/', StringComparison.Ordinal)
                ? $"nsenter --net={options.Namespace} " : $"ip netns exec {options.Namespace} ";
            var checks = new List<DoctorCheck> { new("netns", DoctorStatus.Pass, $"checking namespace {NetworkNamespace.PathOf(options.Namespace)}") };
            checks.AddRange(ns.Run(() => CheckNodeHere(options, prefix)));
            return checks;
        }
        finally
        {
            ns?.Dispose();
        }
    }

    private static List<DoctorCheck> CheckNodeHere(NodeDoctorOptions options, string fixPrefix)
    {
        var checks = new List<DoctorCheck>();
        NetworkInterface[] interfaces = NetworkInterface.GetAllNetworkInterfaces();
        var lo = interfaces.FirstOrDefault(i => i.NetworkInterfaceType == NetworkInterfaceType.Loopback);
        var onLo = lo?.GetIPProperties().UnicastAddresses.Where(a => a.Address.AddressFamily == AddressFamily.InterNetwork).ToArray() ?? [];
        IPAddress? vip = options.Vip ?? onLo.FirstOrDefault(a => a.PrefixLength == 32 && !IPAddress.IsLoopback(a.Address))?.Address;
        if (vip is null)
        {
            checks.Add(new("VIP", DoctorStatus.Hint, "no VIP here (no /32 outside 127.0.0.0/8 on lo): not a node yet, so the VIP's path is not checked",
                "on a node: ip addr add VIP/32 dev lo; or pass --vip"));
            checks.Add(SwitchHint(null));
            return checks;
        }

        checks.Add(onLo.Any(a => a.Address.Equals(vip))
            ? new("VIP on lo", DoctorStatus.Pass, $"{vip} on lo")
            : new("VIP on lo", DoctorStatus.Fail, $"{vip} is not an address of lo: the stack would not take the VIP's connections",
                $"{fixPrefix}ip addr add {vip}/32 dev lo"));

        string mac = MulticastMac.ToText(MulticastMac.For(vip));
        string? defaultRoute = DefaultRouteInterface();
        string[] path = [.. JoinedInterfaces(mac)];
        if (path.Length == 0)
        {
            checks.Add(new("multicast MAC", DoctorStatus.Fail, $"{mac} (the VIP's) is joined on no interface: the NIC filters the VIP's frames out",
                $"{fixPrefix}ip maddr add {mac} dev {defaultRoute ?? "<the interface facing the router>"}"));
            checks.Add(SwitchHint(mac));
            return checks;
        }

        checks.Add(new("multicast MAC", DoctorStatus.Pass, $"{mac} joined on {string.Join(", ", path)}"));
        foreach (string dev in path)
        {
            checks.Add(CheckRpFilter(dev, defaultRoute, fixPrefix));
            checks.Add(CheckArpIgnore(dev, vip, fixPrefix));
            checks.Add(CheckArpAnnounce(dev, fixPrefix));
        }

        checks.Add(SwitchHint(mac));
        checks.Add(new("router", DoctorStatus.Hint, $"the router in front must accept ARP replies for {vip} carrying the multicast MAC {mac} (Linux does)",
            $"routers that refuse them need a static ARP entry {vip} → {mac}"));
        return checks;
    }

    /// <summary>
    /// Strict reverse-path filtering drops a client's packet that arrives on <paramref name="dev"/> when the route back
    /// to the client leaves by another interface; the effective value is max(all, dev) (ip-sysctl.rst).
    /// </summary>
    private static DoctorCheck CheckRpFilter(string dev, string? defaultRoute, string fixPrefix)
    {
        string name = $"rp_filter ({dev})";
        int value = EffectiveSysctl("rp_filter", dev);
        string fix = $"{fixPrefix}sysctl -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.{dev}.rp_filter=2 (loose), and the same in /etc/sysctl.d";
        if (value != 1)
        {
            return new(name, DoctorStatus.Pass, value == 0 ? "0 (off)" : $"{value} (loose)");
        }

        return defaultRoute == dev
            ? new(name, DoctorStatus.Warn, $"1 (strict): works while every client is routed back through {dev}; a client reached by another route is dropped", fix)
            : new(name, DoctorStatus.Fail,
                $"1 (strict), and the default route leaves by {defaultRoute ?? "no interface (there is none)"}: clients' packets arriving on {dev} are dropped", fix);
    }

    /// <summary>Every node answers ARP for the VIP, which lives on lo: arp_ignore ≥ 1 answers only for the incoming interface's own addresses.</summary>
    private static DoctorCheck CheckArpIgnore(string dev, IPAddress vip, string fixPrefix)
    {
        string name = $"arp_ignore ({dev})";
        int value = EffectiveSysctl("arp_ignore", dev);
        return value == 0
            ? new(name, DoctorStatus.Pass, "0: ARP for the VIP on lo is answered on " + dev)
            : new(name, DoctorStatus.Fail, $"{value}: ARP requests for {vip} (on lo) arriving on {dev} go unanswered, so the router cannot reach the VIP",
                $"{fixPrefix}sysctl -w net.ipv4.conf.all.arp_ignore=0 net.ipv4.conf.{dev}.arp_ignore=0");
    }

    /// <summary>
    /// A node's own ARP requests (e.g. refreshing the router's address while answering a client) must not carry the VIP as
    /// sender address: the router would learn VIP → this node's unicast MAC and stop flooding the VIP to the others.
    /// arp_announce 2 always uses the interface's own address. (Seen here: with 0, a Linux router that got a request sent
    /// from the VIP listed the VIP at the node's unicast MAC.)
    /// </summary>
    private static DoctorCheck CheckArpAnnounce(string dev, string fixPrefix)
    {
        string name = $"arp_announce ({dev})";
        int value = EffectiveSysctl("arp_announce", dev);
        return value == 2
            ? new(name, DoctorStatus.Pass, $"2: ARP requests from {dev} carry its own address, never the VIP")
            : new(name, DoctorStatus.Fail,
                $"{value}: an ARP request this node sends while answering from the VIP carries the VIP as sender; the router then sends every frame for the VIP to this node alone",
                $"{fixPrefix}sysctl -w net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.{dev}.arp_announce=2");
    }

    private static DoctorCheck SwitchHint(string? mac) =>
        new("switch", DoctorStatus.Hint, $"every frame to {mac ?? "the VIP's multicast MAC (01:00:5e + the VIP's low 23 bits)"} must reach every node's port",
            "turn IGMP snooping off for that group or add a static multicast MAC entry on every node's port (a Linux bridge: mcast_snooping 0)");

    /// <summary>max(conf/all/key, conf/dev/key) from /proc/sys/net/ipv4 (an unreadable value counts as 0).</summary>
    private static int EffectiveSysctl(string key, string dev) => Math.Max(Sysctl($"all/{key}"), Sysctl($"{dev}/{key}"));

    private static int Sysctl(string path) =>
        int.TryParse(ReadProc("/proc/sys/net/ipv4/conf/" + path), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : 0;

    /// <summary>The interfaces whose multicast list (/proc/net/dev_mcast: index, name, users, global users, address) holds <paramref name="mac"/>.</summary>
    private static IEnumerable<string> JoinedInterfaces(string mac)
    {
        string hex = mac.Replace(":", "", StringComparison.Ordinal);
        foreach (string line in (ReadProc("/proc/thread-self/net/dev_mcast") ?? string.Empty).Split('\n'))
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 5 && string.Equals(fields[4], hex, StringComparison.OrdinalIgnoreCase))
            {
                yield return fields[1];
            }
        }
    }

    /// <summary>The interface of the main table's default route with the lowest metric (/proc/net/route: Iface, Destination, …, Metric, Mask).</summary>
    private static string? DefaultRouteInterface() =>
        (ReadProc("/proc/thread-self/net/route") ?? string.Empty).Split('\n').Skip(1)
            .Select(l => l.Split('\t', StringSplitOptions.TrimEntries))
            .Where(f => f.Length >= 8 && f[1] == "00000000" && f[7] == "00000000")
            .OrderBy(f => int.TryParse(f[6], NumberStyles.Integer, CultureInfo.InvariantCulture, out int metric) ? metric : int.MaxValue)
            .Select(f => f[0])
            .FirstOrDefault();
}
