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
    /// service on <c>Dts:ControlPort</c>, <c>GET /dts/health</c>, <c>GET /dts/stats</c>
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
        app.MapGet("/dts/health", () => Results.Text("ok"));
        app.MapGet("/dts/peers", async (ControlChannel channel, CancellationToken ct) => Results.Json(await channel.PingPeersAsync(ct)));
        app.MapGet("/dts/stats", (DtsTelemetry telemetry, IHandoverMechanism mechanism, IClusterMembership membership, BucketTable buckets, IOptions<DtsOptions> o) =>
            Results.Json(DtsStatsEndpoint.Get(telemetry, mechanism, membership, buckets, o)));
        return app;
    }
}
