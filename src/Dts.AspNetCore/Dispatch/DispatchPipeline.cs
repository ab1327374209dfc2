using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Model;

namespace Dts.AspNetCore.Dispatch;

/// <summary>
/// The dispatch decision is YARP's own: a separate pipeline (ARCHITECTURE §3) runs YARP's routing,
/// session affinity, load balancing and passive health on a copy of the request head, and its terminal
/// step records the chosen destination instead of forwarding. Route order, matching (path, host, method,
/// headers, query) and policies are YARP's contract; nothing here matches routes.
/// </summary>
internal sealed class DispatchPipeline
{
    private static readonly object DecisionKey = new();
    private readonly RequestDelegate _pipeline;

    public DispatchPipeline(IServiceProvider services)
    {
        var builder = new ApplicationBuilder(services);
        builder.UseRouting();
        builder.UseEndpoints(endpoints => endpoints.MapReverseProxy(proxy =>
        {
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

    /// <summary>Runs YARP on a copy of <paramref name="request"/>'s head; null when no route matched or no destination is available.</summary>
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

    private static void Record(HttpContext context)
    {
        var proxy = context.GetReverseProxyFeature();
        if (proxy.AvailableDestinations.Count == 0)
        {
            return;
        }
        var destination = proxy.AvailableDestinations[0];
        var route = proxy.Route.Config;
        string? node = null;
        destination.Model.Config.Metadata?.TryGetValue(DtsMetadata.Node, out node);
        var fallback = DtsFallbackMode.Proxy;
        if (route.Metadata?.TryGetValue(DtsMetadata.Fallback, out var f) == true)
        {
            fallback = Enum.Parse<DtsFallbackMode>(f, ignoreCase: true);
        }
        var handover = route.Metadata?.TryGetValue(DtsMetadata.Handover, out var h) != true || !bool.TryParse(h, out var allowed) || allowed;
        context.Items[DecisionKey] = new DispatchDecision(
            route.RouteId, proxy.Cluster.Config.ClusterId, node, destination.Model.Config.Address, fallback, handover);
    }
}
