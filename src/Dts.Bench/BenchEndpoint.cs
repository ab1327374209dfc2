using DtsTestbed = Dts.Testbed.Testbed;

namespace Dts.Bench;

/// <summary>Where the client sends a mode's requests and from which source ports.</summary>
/// <param name="Mode">The mode.</param>
/// <param name="Cluster">The testbed (Repair or Splice) the mode runs on.</param>
/// <param name="BaseUri">Scheme, host and port, e.g. <c>http://198.18.0.100:80</c>.</param>
/// <param name="Prefix">Route prefix: <c>/api</c> (served by n3, handed over) or <c>/proxied</c> (forwarded by YARP).</param>
/// <param name="Ports">Source ports: owned by n3 for direct, by n1 otherwise.</param>
internal sealed record BenchEndpoint(BenchMode Mode, BenchCluster Cluster, string BaseUri, string Prefix, BenchPortPool Ports)
{
    /// <summary>The endpoints of every mode; nginx listens on n1's unicast address, port <paramref name="nginxPort"/>.</summary>
    public static BenchEndpoint For(BenchMode mode, BenchCluster cluster, ushort nginxPort)
    {
        var t = cluster.Testbed;
        string vip = $"http://{t.Vip}:{t.Port}";
        return mode switch
        {
            BenchMode.Direct => new(mode, cluster, vip, "/api", cluster.TargetPorts),
            BenchMode.Repair or BenchMode.Splice => new(mode, cluster, vip, "/api", cluster.OriginPorts),
            BenchMode.Yarp => new(mode, cluster, vip, "/proxied", cluster.OriginPorts),
            BenchMode.Nginx => new(mode, cluster, $"http://{t.NodeAddress(BenchCluster.OriginNode)}:{nginxPort}", "/api", cluster.OriginPorts),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
        };
    }

    /// <summary>
    /// Whether a response took this mode's path, from the sample's headers: <c>X-Dts-Node</c> (who served) and
    /// <c>X-Dts-Origin</c> (set on handed-over connections). <see langword="null"/> when it did, else what happened.
    /// </summary>
    public string? CheckPath(IEnumerable<string> servedBy, string? origin)
    {
        string target = DtsTestbed.NodeIdOf(BenchCluster.TargetNode);
        string originId = DtsTestbed.NodeIdOf(BenchCluster.OriginNode);
        bool servedByTarget = servedBy.Any(v => v.Split(',').Any(n => n.Trim() == target));
        string seen = $"X-Dts-Node '{string.Join(',', servedBy)}', X-Dts-Origin '{origin}'";
        return Mode switch
        {
            BenchMode.Repair or BenchMode.Splice when !servedByTarget || origin != originId => $"not handed over {originId} → {target} ({seen})",
            BenchMode.Direct or BenchMode.Yarp or BenchMode.Nginx when !servedByTarget || origin is not null => $"not served by {target} without a handover ({seen})",
            _ => null,
        };
    }
}
