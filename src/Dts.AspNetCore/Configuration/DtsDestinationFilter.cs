using System.Globalization;
using Microsoft.Extensions.Configuration;
using Yarp.ReverseProxy.Configuration;

namespace Dts.AspNetCore.Configuration;

/// <summary>
/// A YARP config filter: a destination that names a DTS node (<c>Metadata["Dts.Node"]</c>) and has no
/// <c>Address</c> gets that node's unicast URL (<c>http://{Nodes[i].Address}:{Port}</c>), so routes need not
/// repeat the cluster's addresses.
/// </summary>
internal sealed class DtsDestinationFilter(IConfiguration configuration) : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel) =>
        ValueTask.FromResult(Fill(cluster, Nodes()));

    // Bound here without validation: YARP's own load must not fail on a DTS setting it does not use.
    private DtsOptions Nodes() => configuration.GetSection(DtsOptions.SectionName).Get<DtsOptions>() ?? new DtsOptions();

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel) =>
        ValueTask.FromResult(route);

    internal static ClusterConfig Fill(ClusterConfig cluster, DtsOptions o)
    {
        if (cluster.Destinations is null)
        {
            return cluster;
        }
        var destinations = new Dictionary<string, DestinationConfig>(StringComparer.OrdinalIgnoreCase);
        foreach (var (id, d) in cluster.Destinations)
        {
            var node = d.Metadata is not null && d.Metadata.TryGetValue(DtsMetadata.Node, out var n)
                ? o.Find(n)
                : null;
            destinations[id] = node is not null && string.IsNullOrEmpty(d.Address)
                ? d with { Address = string.Create(CultureInfo.InvariantCulture, $"http://{UrlHost(node.Address)}:{o.Port}") }
                : d;
        }
        return cluster with { Destinations = destinations };
    }

    private static string UrlHost(string address) => address.Contains(':', StringComparison.Ordinal) ? $"[{address}]" : address;
}
