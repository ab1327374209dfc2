using System.Collections.Concurrent;
using System.Diagnostics;
using Dts.AspNetCore.Telemetry;

namespace Dts.AspNetCore.Tests.Telemetry;

/// <summary>
/// An <see cref="ActivityListener"/> that records every span of the <c>Dts</c> source (and of ASP.NET Core's hosting, so
/// that a span's parent among them shows) as it stops, the way OpenTelemetry's <c>AddSource("Dts")</c> would sample it.
/// Test classes run in parallel: find this test's spans by a tag (the handover id), never by position.
/// </summary>
internal sealed class SpanRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is DtsTracing.SourceName or "Microsoft.AspNetCore",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The stopped <c>Dts</c> spans named <paramref name="name"/> whose tag <paramref name="tag"/> is <paramref name="value"/>.</summary>
    public IReadOnlyList<Activity> Spans(string name, string tag, object? value) =>
        _stopped.Where(a => a.Source.Name == DtsTracing.SourceName && a.OperationName == name && Equals(a.GetTagItem(tag), value)).ToList();

    /// <summary>The stopped <c>Dts</c> spans of trace <paramref name="traceId"/>.</summary>
    public IReadOnlyList<Activity> InTrace(ActivityTraceId traceId) =>
        _stopped.Where(a => a.Source.Name == DtsTracing.SourceName && a.TraceId == traceId).ToList();

    public void Dispose() => _listener.Dispose();
}
