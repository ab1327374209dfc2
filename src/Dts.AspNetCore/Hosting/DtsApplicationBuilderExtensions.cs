using Dts.Core.Telemetry;
using Dts.AspNetCore;
using Dts.AspNetCore.Configuration;
using Dts.AspNetCore.Control;
using Dts.AspNetCore.Dispatch;
using Dts.AspNetCore.Mechanisms;
using Dts.AspNetCore.Membership;
using Dts.AspNetCore.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds DTS to the request pipeline.</summary>
public static class DtsApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the dispatch middleware (call it before the app's own endpoints), the control-channel gRPC
    /// service on <c>Dts:ControlPort</c>, <c>GET /dts/health</c> (200 while the node serves: <c>ok</c>, or what is
    /// degraded — the membership store unreachable, the node fenced), <c>GET /dts/stats</c>
    /// (<see cref="DtsStats"/> as JSON, with the membership view and bucket table under <c>membership</c>) and
    /// <c>GET /dts/peers</c> (each peer's reachability and control-channel round trip in µs). Validates the
    /// <c>Dts</c> and <c>ReverseProxy</c> sections now and throws <see cref="OptionsValidationException"/> listing
    /// every problem. With <c>Dts:Enabled=false</c> it adds nothing.
    /// </summary>
    public static WebApplication UseDts(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<DtsOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }
        var keepAlive = app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.KeepAliveTimeout;
        if (options.FlowIdleTimeout <= keepAlive)
        {
            throw new OptionsValidationException(DtsOptions.SectionName, typeof(DtsOptions),
                [DtsOptionsValidator.KeepAliveError(options.FlowIdleTimeout, keepAlive)]);
        }
        _ = app.Services.GetRequiredService<DispatchPipeline>();
        app.UseMiddleware<DtsDispatchMiddleware>();
        app.MapGrpcService<ControlService>().RequireHost($"*:{options.ControlPort}");
        app.MapGet("/dts/health", (IClusterMembership membership) => Results.Text(Health(membership.View)));
        app.MapGet("/dts/peers", async (ControlChannel channel, CancellationToken ct) => Results.Json(await channel.PingPeersAsync(ct)));
        app.MapGet("/dts/stats", (DtsTelemetry telemetry, IHandoverMechanism mechanism, IClusterMembership membership, BucketTable buckets, IOptions<DtsOptions> o) =>
            Results.Json(DtsStatsEndpoint.Get(telemetry, mechanism, membership, buckets, o)));
        return app;
    }

    /// <summary>One line: <c>ok</c>, or the degradations a node serving with them should still report (static stability).</summary>
    private static string Health(MembershipView view)
    {
        var problems = new List<string>();
        if (!view.StoreReachable)
        {
            problems.Add($"membership store unreachable, serving with the view of revision {view.Revision}");
        }
        if (view.Fenced)
        {
            problems.Add("fenced: answering no SYN until the lease is renewed");
        }
        return problems.Count == 0 ? "ok" : "degraded: " + string.Join("; ", problems);
    }
}
