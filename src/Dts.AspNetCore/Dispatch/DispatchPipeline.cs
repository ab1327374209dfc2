using Dts.AspNetCore.Membership;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Model;

namespace Dts.AspNetCore.Dispatch;

/// <summary>
/// The dispatch decision is YARP's own: a separate pipeline (ARCHITECTURE §3) runs YARP's routing,
/// session affinity, load balancing and passive health on a copy of the request head, and its terminal
/// step records the chosen destination instead of forwarding. Route order, matching (path, host, method,
/// headers, query) and policies are YARP's contract; nothing here matches routes. Its first step takes the
/// destinations of nodes that are not live members out of YARP's available destinations
/// (<see cref="IClusterMembership"/>), so load balancing never picks them.
/// </summary>
internal sealed class DispatchPipeline
{
    private static readonly object DecisionKey = new();
    private readonly RequestDelegate _pipeline;
    private readonly IClusterMembership _membership;

    public DispatchPipeline(IServiceProvider services)
    {
        _membership = services.GetRequiredService<IClusterMembership>();
        var builder = new ApplicationBuilder(services);
        builder.UseRouting();
        builder.UseEndpoints(endpoints => endpoints.MapReverseProxy(proxy =>
        {
            // YARP's extension point: a step before session affinity and load balancing may replace AvailableDestinations.
            proxy.Use((HttpContext context, RequestDelegate next) =>
            {
                var feature = context.GetReverseProxyFeature();
                feature.AvailableDestinations = AvailableMembers(feature.AvailableDestinations, _membership.View);
                return next(context);
            });
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
            proxy.Use((HttpContext context, RequestDelegate _) =>
            {
                Record(context);
                return Task.CompletedTask;
            });
        }));
        _pipeline = builder.Build();
    }

    /// <summary>
    /// Runs YARP on a copy of <paramref name="request"/>'s head; null when no route matched. A matched route without an
    /// available destination yields a decision with <see cref="DispatchDecision.NoDestination"/> set.
    /// </summary>
    public async Task<DispatchDecision?> DecideAsync(HttpContext request)
    {
        var probe = new DefaultHttpContext { RequestServices = request.RequestServices };
        var from = request.Request;
        var to = probe.Request;
        to.Method = from.Method;
        to.Scheme = from.Scheme;
        to.Host = from.Host;
        to.PathBase = from.PathBase;
        to.Path = from.Path;
        to.QueryString = from.QueryString;
        to.Protocol = from.Protocol;
        foreach (var header in from.Headers)
        {
            to.Headers[header.Key] = header.Value;
        }
        probe.Connection.RemoteIpAddress = request.Connection.RemoteIpAddress;
        probe.Connection.RemotePort = request.Connection.RemotePort;
        probe.Connection.LocalIpAddress = request.Connection.LocalIpAddress;
        probe.Connection.LocalPort = request.Connection.LocalPort;

        await _pipeline(probe).ConfigureAwait(false);
        return probe.Items.TryGetValue(DecisionKey, out var d) ? (DispatchDecision)d! : null;
    }

    /// <summary>
    /// <paramref name="destinations"/> without those whose <c>Dts.Node</c> names a node that is not
    /// <see cref="MembershipView.IsAvailable"/> in <paramref name="view"/>; destinations without <c>Dts.Node</c> stay.
    /// Returns <paramref name="destinations"/> itself when every one stays (no allocation per request then).
    /// </summary>
    internal static IReadOnlyList<DestinationState> AvailableMembers(IReadOnlyList<DestinationState> destinations, MembershipView view)
    {
        List<DestinationState>? kept = null;
        for (var i = 0; i < destinations.Count; i++)
        {
            var destination = destinations[i];
            var node = NodeOf(destination);
            if (node is null || view.IsAvailable(node))
            {
                kept?.Add(destination);
            }
            else
            {
                kept ??= [.. destinations.Take(i)];
            }
        }
        return kept ?? destinations;
    }

    private static string? NodeOf(DestinationState destination)
    {
        string? node = null;
        destination.Model.Config.Metadata?.TryGetValue(DtsMetadata.Node, out node);
        return node;
    }

    private static void Record(HttpContext context)
    {
        var proxy = context.GetReverseProxyFeature();
        var route = proxy.Route.Config;
        var fallback = DtsFallbackMode.Proxy;
        if (route.Metadata?.TryGetValue(DtsMetadata.Fallback, out var f) == true)
        {
            fallback = Enum.Parse<DtsFallbackMode>(f, ignoreCase: true);
        }
        var handover = route.Metadata?.TryGetValue(DtsMetadata.Handover, out var h) != true || !bool.TryParse(h, out var allowed) || allowed;

        // No destination available: the decision names one that is down (the proxy fallback's address) and says so.
        var available = proxy.AvailableDestinations;
        var all = proxy.AllDestinations;
        var destination = available.Count > 0 ? available[0] : all.Count > 0 ? all[0] : null;
        context.Items[DecisionKey] = new DispatchDecision(
            route.RouteId,
            proxy.Cluster.Config.ClusterId,
            destination is null ? null : NodeOf(destination),
            destination?.Model.Config.Address ?? "",
            fallback,
            handover)
        {
            NoDestination = available.Count == 0,
        };
    }
}
