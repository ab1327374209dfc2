using Dts.AspNetCore;
using Dts.AspNetCore.Control;
using Dts.AspNetCore.Health;
using Dts.AspNetCore.Management;
using Dts.AspNetCore.Mechanisms;
using Dts.AspNetCore.Membership;
using Dts.AspNetCore.Telemetry;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// The operators' endpoints on the management endpoint: this node's unicast address on <c>Dts:ManagementPort</c>
/// (default 9090), never the VIP, never <c>Dts:Port</c>.
/// </summary>
public static class DtsManagementEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the route group <c>/dts</c> on the management endpoint: <c>GET /dts/</c> (and HEAD; the live status page: the
    /// cluster, handover and fallback rates, phase latencies, live flows and recent handover failures, from
    /// <c>/dts/stats</c> every second; one self-contained HTML page), <c>GET /dts/health</c> (the app's health checks,
    /// DTS's among them — <c>AddHealthChecks().AddDts()</c> — as JSON with every check's status, description and
    /// data; 200 while the node serves, Healthy or Degraded, 503 when Unhealthy), <c>GET /dts/stats</c>
    /// (<see cref="Dts.Core.Telemetry.DtsStats"/> as JSON, with the membership view and bucket table under
    /// <c>membership</c>) and <c>GET /dts/peers</c> (each peer's reachability and control-channel round trip in µs).
    /// Every operator endpoint of DTS is mapped here. The group is returned for conventions, e.g.
    /// <c>.RequireAuthorization("operators")</c>, and for the app's own operator endpoints. With
    /// <c>Dts:Enabled=false</c> the group is empty.
    /// </summary>
    /// <param name="endpoints">The app (<c>WebApplication</c>) or another endpoint route builder.</param>
    /// <returns>The <c>/dts</c> route group.</returns>
    public static RouteGroupBuilder MapDtsManagement(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup("/dts").RequireDtsManagement();
        if (!endpoints.ServiceProvider.GetRequiredService<IOptions<DtsOptions>>().Value.Enabled)
        {
            return group;
        }
        group.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], DtsStatusPage.Get);
        group.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = DtsHealthResponseWriter.WriteAsync });
        group.MapGet("/peers", async (ControlChannel channel, CancellationToken ct) => Results.Json(await channel.PingPeersAsync(ct)));
        group.MapGet("/stats", (DtsTelemetry telemetry, IHandoverMechanism mechanism, IClusterMembership membership, BucketTable buckets, IOptions<DtsOptions> o) =>
            Results.Json(DtsStatsEndpoint.Get(telemetry, mechanism, membership, buckets, o)));
        return group;
    }

    /// <summary>
    /// Serves the endpoints of <paramref name="builder"/> on the management endpoint only (decided by the listener the connection came in on, not by the
    /// <c>Host</c> header), e.g. <c>app.MapPrometheusScrapingEndpoint().RequireDtsManagement()</c>.
    /// With <c>Dts:Enabled=false</c> there is no management endpoint and they are served on the app's own endpoints.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder.</typeparam>
    /// <param name="builder">The endpoints to restrict.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static TBuilder RequireDtsManagement<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint => endpoint.Metadata.Add(DtsManagementMetadata.Instance));
        return builder;
    }
}
