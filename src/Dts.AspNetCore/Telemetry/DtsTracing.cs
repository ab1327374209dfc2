using System.Diagnostics;

namespace Dts.AspNetCore.Telemetry;

/// <summary>
/// The <c>Dts</c> <see cref="ActivitySource"/> (OpenTelemetry tracing; add it with <c>AddSource("Dts")</c>) and the names
/// of its spans and tags. Three spans make one trace across both nodes: <see cref="Dispatch"/> (the origin's decision on a
/// connection's first request, a child of the request's span), <see cref="HandoverOrigin"/> (the origin's handover, a
/// child of the dispatch) and <see cref="HandoverTarget"/> (the target's restore and adopt, a child of the origin's
/// handover span through the W3C trace context the handover message carries: <c>traceparent</c>, <c>tracestate</c>).
/// Each handover span carries its phases (<see cref="Dts.Core.Telemetry.DtsPhaseNames"/>) as events named after the phase,
/// stamped at the phase's end, with its duration in µs (<see cref="PhaseDuration"/>).
/// With no listener, <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null and the handover path
/// allocates nothing for tracing: every use is behind a null check.
/// Tags follow the OpenTelemetry semantic conventions where one exists (<c>network.peer.address</c>: the TCP client of the
/// handed-over connection; <c>network.local.address</c>: the VIP), and <c>dts.*</c> otherwise.
/// </summary>
internal static class DtsTracing
{
    public const string SourceName = "Dts";

    public const string Dispatch = "dts.dispatch";
    public const string HandoverOrigin = "dts.handover";
    public const string HandoverTarget = "dts.handover.apply";

    public const string Mechanism = "dts.mechanism";
    public const string Target = "dts.target";
    public const string Origin = "dts.origin";
    public const string Route = "dts.route";
    public const string HandoverId = "dts.handover_id";

    /// <summary>
    /// How it ended. Dispatch: <c>local</c>, <c>handed_over</c>, <c>proxy</c>, <c>reject</c> (the last two also after a
    /// failed handover, with <see cref="FallbackReason"/>). Origin's handover: <c>handed_over</c>, <c>not_eligible</c>,
    /// <c>failed</c>. Target: <c>applied</c>, <c>refused</c>.
    /// </summary>
    public const string Outcome = "dts.outcome";

    /// <summary>Why the connection was not handed over (the handover's reason); a failed handover also sets the span's status to Error.</summary>
    public const string FallbackReason = "dts.fallback_reason";

    /// <summary>A phase event's tag: the phase's duration, µs.</summary>
    public const string PhaseDuration = "dts.phase.duration_us";

    public static ActivitySource Source { get; } = new(SourceName, typeof(DtsTracing).Assembly.GetName().Version?.ToString());

    /// <summary>The 4-tuple as <c>network.peer.*</c> (the client) and <c>network.local.*</c> (the VIP).</summary>
    public static void SetFlow(Activity activity, Dts.Core.Tcp.FlowKey flow)
    {
        activity.SetTag("network.transport", "tcp");
        activity.SetTag("network.peer.address", flow.Client.Address.ToString());
        activity.SetTag("network.peer.port", flow.Client.Port);
        activity.SetTag("network.local.address", flow.Local.Address.ToString());
        activity.SetTag("network.local.port", flow.Local.Port);
    }

    /// <summary>Marks <paramref name="activity"/> as failed: <see cref="Outcome"/>, <see cref="FallbackReason"/>, status Error with the reason.</summary>
    public static void SetFailed(Activity activity, string outcome, string reason)
    {
        activity.SetTag(Outcome, outcome);
        activity.SetTag(FallbackReason, reason);
        activity.SetStatus(ActivityStatusCode.Error, reason);
    }

    /// <summary>
    /// Adds <paramref name="phases"/> as events, in order, each stamped at its end: the first begins at
    /// <paramref name="firstStart"/> and each begins where the previous one ended (they are contiguous on one node).
    /// </summary>
    public static void AddPhases(Activity activity, in HandoverPhases phases, DateTimeOffset firstStart)
    {
        if (!activity.IsAllDataRequested)
        {
            return;
        }
        var end = firstStart;
        for (var i = 0; i < phases.Count; i++)
        {
            var (name, duration) = phases[i];
            end += duration;
            activity.AddEvent(new ActivityEvent(name, end, new ActivityTagsCollection { [PhaseDuration] = duration.TotalMicroseconds }));
        }
    }

    /// <summary>The W3C trace context of <paramref name="activity"/> for the handover message (its <c>traceparent</c> is the activity's W3C id); nulls without one.</summary>
    public static (string? TraceParent, string? TraceState) ContextOf(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C } ? (activity.Id, activity.TraceStateString) : (null, null);

    /// <summary>
    /// Starts the target's span, a child of the origin's span named by <paramref name="traceParent"/> (W3C Trace Context,
    /// parsed by <see cref="ActivityContext.TryParse(string, string, bool, out ActivityContext)"/>). Without a valid one
    /// it is a root: never a child of the control stream's own request, which lives as long as the stream. Null when
    /// nobody listens.
    /// </summary>
    public static Activity? StartTarget(string? traceParent, string? traceState)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        if (traceParent is not null && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent))
        {
            return Source.StartActivity(HandoverTarget, ActivityKind.Server, parent);
        }
        // Activity.Current is restored when the caller (an async method) returns.
        Activity.Current = null;
        return Source.StartActivity(HandoverTarget, ActivityKind.Server);
    }
}
