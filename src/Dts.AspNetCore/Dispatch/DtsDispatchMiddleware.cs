using System.Diagnostics;
using Dts.AspNetCore.Connections;
using Dts.AspNetCore.Fallback;
using Dts.AspNetCore.Handover;
using Dts.AspNetCore.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Dts.AspNetCore.Dispatch;

/// <summary>
/// The HTTP side of DTS. On a connection to the VIP, the first request is dispatched by YARP; the decision
/// sticks to the connection: served here, handed over to the target node, or (when a handover is
/// impossible) the route's fallback for every request of the connection. A matched route none of whose destinations
/// is available (their nodes left the membership) gets its fallback at once. Connections that arrived by
/// handover, and those on the node's unicast address, are served here without a dispatch. Requests on the management
/// endpoint (<see cref="Management.DtsManagementConnectionFeature"/>) pass untouched: they are neither served nor counted as the app's.
/// </summary>
internal sealed partial class DtsDispatchMiddleware(
    RequestDelegate next,
    DispatchPipeline dispatch,
    HandoverCoordinator coordinator,
    FallbackForwarder forwarder,
    DtsTelemetry telemetry,
    IOptions<DtsOptions> options,
    ILogger<DtsDispatchMiddleware> logger)
{
    private readonly string _self = options.Value.NodeId;
    private readonly bool _responseHeaders = options.Value.ResponseHeaders;

    public async Task InvokeAsync(HttpContext context)
    {
        var connection = context.Features.Get<DtsConnectionFeature>();
        if (connection is null && context.Features.Get<Management.DtsManagementConnectionFeature>() is not null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        if (connection is null || connection.ArrivedByHandover)
        {
            await ServeLocalAsync(context, connection).ConfigureAwait(false);
            return;
        }

        var decision = connection.Decision ?? await DecideAsync(context, connection).ConfigureAwait(false);
        if (connection.HandedOut)
        {
            // The target answers this request; nothing of it may come from here.
            context.Abort();
            return;
        }
        if (decision.Rejected)
        {
            telemetry.Fallback(DtsFallbackMode.Reject);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            return;
        }
        if (decision.Proxied)
        {
            telemetry.Fallback(DtsFallbackMode.Proxy);
            var error = await forwarder.ForwardAsync(context, decision).ConfigureAwait(false);
            if (error != ForwarderError.None)
            {
                Log.FallbackError(logger, decision.DestinationAddress, error);
            }
            return;
        }
        await ServeLocalAsync(context, connection).ConfigureAwait(false);
    }

    /// <summary>
    /// The connection's decision, traced as span <see cref="DtsTracing.Dispatch"/> (when a listener samples it; the
    /// handover's span is its child): the route, the target node, the outcome and, after a handover that did not happen,
    /// its reason.
    /// </summary>
    private async Task<DispatchDecision> DecideAsync(HttpContext context, DtsConnectionFeature connection)
    {
        using var activity = DtsTracing.Source.StartActivity(DtsTracing.Dispatch);
        var started = Stopwatch.GetTimestamp();
        var decision = await dispatch.DecideAsync(context).ConfigureAwait(false);
        var decided = Stopwatch.GetElapsedTime(started);
        if (decision is null)
        {
            return Stick(connection, Local, activity);
        }
        if (decision.NoDestination)
        {
            // Every destination of the route is down: its fallback answers now (no handover to a node that left).
            Log.NoDestination(logger, connection.Flow.ToString(), decision.RouteId, decision.ClusterId, decision.Fallback);
            return Stick(connection, Fallback(decision), activity, "no destination available");
        }
        if (decision.NodeId == _self)
        {
            return Stick(connection, decision, activity);
        }
        if (decision.NodeId is null || !decision.HandoverAllowed)
        {
            // A destination outside the cluster, or a route that asks for the proxy: YARP forwards it.
            return Stick(connection, decision with { Proxied = true }, activity);
        }

        var result = await coordinator.TryHandOverAsync(context, connection, decision, context.RequestAborted, decided).ConfigureAwait(false);
        Log.Dispatched(logger, connection.Flow.ToString(), decision.RouteId, decision.NodeId, result.Status, result.Reason);
        if (result.Status == HandoverStatus.HandedOver)
        {
            return Stick(connection, decision, activity);
        }
        return Stick(connection, Fallback(decision), activity, result.Reason);
    }

    /// <summary>The route's <c>Dts.Fallback</c>: served here, rejected (503), or proxied to the decided destination (rejected when there is none).</summary>
    private DispatchDecision Fallback(DispatchDecision decision) => decision.Fallback switch
    {
        DtsFallbackMode.Local => decision with { NodeId = _self },
        DtsFallbackMode.Reject => decision with { Rejected = true },
        _ when decision.DestinationAddress.Length == 0 => decision with { Rejected = true },
        _ => decision with { Proxied = true },
    };

    private static DispatchDecision Local { get; } = new("", "", null, "", DtsFallbackMode.Local);

    /// <param name="activity">The dispatch's span, if recorded: tagged with the decision.</param>
    /// <param name="fallbackReason">Why the route's fallback serves the connection; null when no fallback applies.</param>
    private DispatchDecision Stick(DtsConnectionFeature connection, DispatchDecision decision, Activity? activity, string? fallbackReason = null)
    {
        connection.Decision = decision;
        connection.Pipe?.Recorder.StopRecording();
        if (activity is { IsAllDataRequested: true })
        {
            // No route matched: neither tag (SetTag with null adds nothing).
            activity.SetTag(DtsTracing.Route, decision.RouteId.Length > 0 ? decision.RouteId : null);
            activity.SetTag(DtsTracing.Target, decision.NodeId ?? (decision.DestinationAddress.Length > 0 ? decision.DestinationAddress : null));
            activity.SetTag(DtsTracing.Outcome,
                decision.Rejected ? "reject" : decision.Proxied ? "proxy" : decision.NodeId == _self || decision.NodeId is null ? "local" : "handed_over");
            activity.SetTag(DtsTracing.FallbackReason, fallbackReason);
        }
        return decision;
    }

    /// <summary>
    /// Serves the request here. With <c>Dts:ResponseHeaders</c>, responses say which node served them
    /// (<c>X-Dts-Node</c>) and, on a connection that arrived by handover, which node accepted it (<c>X-Dts-Origin</c>).
    /// </summary>
    private Task ServeLocalAsync(HttpContext context, DtsConnectionFeature? connection)
    {
        var arrivedByHandover = connection?.ArrivedByHandover ?? false;
        if (_responseHeaders)
        {
            context.Response.Headers["X-Dts-Node"] = _self;
        }
        if (_responseHeaders && arrivedByHandover)
        {
            context.Response.Headers["X-Dts-Origin"] = connection!.OriginNodeId;
        }
        telemetry.Served(arrivedByHandover);
        return next(context);
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.Dispatched, LogLevel.Debug, "{Flow}: route {Route} → {Node}: {Status} {Reason}")]
        public static partial void Dispatched(ILogger logger, string flow, string route, string node, HandoverStatus status, string reason);

        [LoggerMessage(EventIds.FallbackError, LogLevel.Warning, "Proxy fallback to {Destination} failed: {Error}")]
        public static partial void FallbackError(ILogger logger, string destination, ForwarderError error);

        [LoggerMessage(EventIds.NoDestination, LogLevel.Debug, "{Flow}: route {Route}: no destination of cluster {Cluster} is available; fallback {Fallback}")]
        public static partial void NoDestination(ILogger logger, string flow, string route, string cluster, DtsFallbackMode fallback);
    }
}
