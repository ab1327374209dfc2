using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Dts.AspNetCore.Telemetry;

namespace Dts.AspNetCore.Benchmarks;

/// <summary>
/// What the <c>Dts</c> spans cost one handover, both ends: the origin's <c>dts.dispatch</c> and <c>dts.handover</c>
/// (started, tagged as the coordinator tags them, the trace context for the offer taken, stopped) and the target's
/// <c>dts.handover.apply</c> (started from that context, stopped). Without a listener every start returns null: the
/// handover path must then cost nothing and allocate nothing. With one (sampling everything) it is the price of a
/// recorded trace.
/// </summary>
[MemoryDiagnoser]
public class TracingBenchmarks : IDisposable
{
    private ActivityListener? _listener;

    /// <summary>Whether an <see cref="ActivityListener"/> samples the <c>Dts</c> source.</summary>
    [Params(false, true)]
    public bool Listening { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (Listening)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == DtsTracing.SourceName,
                Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            };
            ActivitySource.AddActivityListener(_listener);
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _listener?.Dispose();
        _listener = null;
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "BenchmarkDotNet runs instance methods.")]
    public bool HandoverSpans()
    {
        using var dispatch = DtsTracing.Source.StartActivity(DtsTracing.Dispatch);
        string? traceParent, traceState;
        using (var handover = DtsTracing.Source.StartActivity(DtsTracing.HandoverOrigin, ActivityKind.Client))
        {
            if (handover is { IsAllDataRequested: true })
            {
                handover.SetTag(DtsTracing.Mechanism, "Repair");
                handover.SetTag(DtsTracing.Target, "n2");
            }
            handover?.SetTag(DtsTracing.HandoverId, "0af7651916cd43dd8448eb211c80319c");
            (traceParent, traceState) = DtsTracing.ContextOf(handover);
            handover?.SetTag(DtsTracing.Outcome, "handed_over");
        }
        var previous = Activity.Current;
        using (var apply = DtsTracing.StartTarget(traceParent, traceState))
        {
            apply?.SetTag(DtsTracing.Outcome, "applied");
        }
        Activity.Current = previous;
        return traceParent is null;
    }
}
