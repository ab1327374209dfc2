using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Dts.Core.Telemetry;
using Dts.Core.Handover;
using Dts.Core.Tcp;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Telemetry;

/// <summary>
/// The <c>Dts</c> meter (OpenTelemetry naming) and the node's own counters behind <c>/dts/stats</c>.
/// Durations are recorded in seconds on the meter and kept in µs for the report.
/// </summary>
internal sealed class DtsTelemetry
{
    private readonly Counter<long> _handovers;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _served;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _phase;
    private readonly UpDownCounter<long> _flowsActive;
    private readonly string _node;
    private readonly TimeProvider _time;
    private readonly HandoverFailureLog _recentFailures = new();
    private long _servedCount, _handedOut, _handedIn, _failed, _fallbackCount, _rejected, _adoptedServed, _activeFlows;

    /// <param name="meters">Creates the <c>Dts</c> meter.</param>
    /// <param name="options">The node's id.</param>
    /// <param name="time">The clock of <see cref="DtsHandoverFailure.Time"/>; <see cref="TimeProvider.System"/> when null.</param>
    [SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "IMeterFactory owns the Meter it creates and disposes it with the service provider.")]
    public DtsTelemetry(IMeterFactory meters, IOptions<DtsOptions> options, TimeProvider? time = null)
    {
        _node = options.Value.NodeId;
        _time = time ?? TimeProvider.System;
        var meter = meters.Create("Dts");
        _handovers = meter.CreateCounter<long>("dts.handovers", "{handover}", "Handovers by direction (out, in), result (ok, failed) and mechanism (Repair, Splice).");
        _fallbacks = meter.CreateCounter<long>("dts.fallbacks", "{request}", "Requests served by a fallback (proxy, local, reject) instead of a handover.");
        _served = meter.CreateCounter<long>("dts.requests.served", "{request}", "Requests this node's app served.");
        _duration = meter.CreateHistogram<double>("dts.handover.duration", "s", "Origin-side duration of a successful handover.", tags: null, DurationBuckets);
        _phase = meter.CreateHistogram<double>("dts.handover.phase.duration", "s", "Duration of one handover phase (HandoverPhases lists them), tagged with phase and side (origin, target).", tags: null, DurationBuckets);
        _flowsActive = meter.CreateUpDownCounter<long>("dts.flows.active", "{connection}", "The VIP's TCP connections open on this node: accepted here or taken in by handover.");
    }

    /// <summary>
    /// Bucket boundaries (s) the duration histograms advise exporters to use: 5 µs to 5 s, since a handover phase takes
    /// microseconds and a whole handover up to the handover timeout (OpenTelemetry's default boundaries, 0–10000, are
    /// meant for milliseconds and would put every sample into one bucket).
    /// </summary>
    private static readonly InstrumentAdvice<double> DurationBuckets = new()
    {
        HistogramBucketBoundaries = [0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    };

    public LatencyReservoir Latency { get; } = new();

    /// <summary>Per phase name, its last samples (µs); a phase appears once measured.</summary>
    public ConcurrentDictionary<string, LatencyReservoir> Phases { get; } = new(StringComparer.Ordinal);

    /// <summary>Per side (<c>origin</c>, <c>target</c>), the fraction of each handover's wall time its phases covered.</summary>
    public IReadOnlyDictionary<string, LatencyReservoir> Coverage { get; } = new Dictionary<string, LatencyReservoir>
    {
        ["origin"] = new(), ["target"] = new(),
    };

    public void Served(bool arrivedByHandover)
    {
        Interlocked.Increment(ref _servedCount);
        if (arrivedByHandover)
        {
            Interlocked.Increment(ref _adoptedServed);
        }
        if (_served.Enabled)
        {
            _served.Add(1);
        }
    }

    /// <summary>A handover this node originated succeeded: <paramref name="phases"/> ran within <paramref name="total"/> (wall time, first phase's start to the last's end).</summary>
    public void HandoverCompleted(HandoverMechanism mechanism, in HandoverPhases phases, TimeSpan total)
    {
        Interlocked.Increment(ref _handedOut);
        Latency.Add(total);
        RecordPhases(phases, total, "origin");
        if (_handovers.Enabled)
        {
            _handovers.Add(1, new("direction", "out"), new("result", "ok"), new("mechanism", mechanism.ToString()));
        }
        if (_duration.Enabled)
        {
            _duration.Record(total.TotalSeconds);
        }
    }

    /// <summary>This node took a handover in: <paramref name="phases"/> ran within <paramref name="wall"/> (request read to answer written).</summary>
    public void HandoverReceived(HandoverMechanism mechanism, in HandoverPhases phases, TimeSpan wall)
    {
        Interlocked.Increment(ref _handedIn);
        RecordPhases(phases, wall, "target");
        if (_handovers.Enabled)
        {
            _handovers.Add(1, new("direction", "in"), new("result", "ok"), new("mechanism", mechanism.ToString()));
        }
    }

    /// <summary>A handover of <paramref name="flow"/> to <paramref name="target"/> this node originated failed (the origin keeps the connection): counted and kept among the recent failures.</summary>
    public void HandoverFailed(HandoverMechanism mechanism, FlowKey flow, string target, string reason)
    {
        Interlocked.Increment(ref _failed);
        _recentFailures.Add(new DtsHandoverFailure(_time.GetUtcNow(), flow.ToString(), target, reason));
        if (_handovers.Enabled)
        {
            _handovers.Add(1, new("direction", "out"), new("result", "failed"), new("mechanism", mechanism.ToString()));
        }
    }

    /// <summary>A connection to the VIP opened on this node (accepted here or adopted); <see cref="FlowClosed"/> when it ends.</summary>
    public void FlowOpened()
    {
        Interlocked.Increment(ref _activeFlows);
        if (_flowsActive.Enabled)
        {
            _flowsActive.Add(1);
        }
    }

    /// <summary>A connection <see cref="FlowOpened"/> counted ended (closed, or handed over to another node).</summary>
    public void FlowClosed()
    {
        Interlocked.Decrement(ref _activeFlows);
        if (_flowsActive.Enabled)
        {
            _flowsActive.Add(-1);
        }
    }

    public void Fallback(DtsFallbackMode mode)
    {
        Interlocked.Increment(ref mode == DtsFallbackMode.Reject ? ref _rejected : ref _fallbackCount);
        if (_fallbacks.Enabled)
        {
            _fallbacks.Add(1, new KeyValuePair<string, object?>("mode", mode.ToString()));
        }
    }

    private void RecordPhases(in HandoverPhases phases, TimeSpan wall, string side)
    {
        for (var i = 0; i < phases.Count; i++)
        {
            var (name, value) = phases[i];
            Phases.GetOrAdd(name, static _ => new LatencyReservoir()).Add(value);
            if (_phase.Enabled)
            {
                _phase.Record(value.TotalSeconds, new KeyValuePair<string, object?>("phase", name), new KeyValuePair<string, object?>("side", side));
            }
        }
        if (wall > TimeSpan.Zero)
        {
            Coverage[side].Add(Math.Min(1.0, phases.Sum / wall));
        }
    }

    /// <summary>The phases measured so far, known ones in <see cref="DtsPhaseNames.All"/>'s order, then any other by name.</summary>
    private Dictionary<string, DtsPhaseStats> PhaseSnapshot()
    {
        var result = new Dictionary<string, DtsPhaseStats>(StringComparer.Ordinal);
        foreach (var name in DtsPhaseNames.All.Concat(Phases.Keys.Except(DtsPhaseNames.All).Order(StringComparer.Ordinal)))
        {
            if (Phases.TryGetValue(name, out var r))
            {
                result[name] = new DtsPhaseStats(r.Quantile(0.5), r.Quantile(0.99), r.Count);
            }
        }
        return result;
    }

    /// <summary>The node's counters for <c>/dts/stats</c>; latencies in µs.</summary>
    public DtsStats Snapshot() => new(
        _node,
        Interlocked.Read(ref _servedCount),
        Interlocked.Read(ref _adoptedServed),
        Interlocked.Read(ref _handedOut),
        Interlocked.Read(ref _handedIn),
        Interlocked.Read(ref _failed),
        Interlocked.Read(ref _fallbackCount),
        Interlocked.Read(ref _rejected),
        Latency.Quantile(0.5),
        Latency.Quantile(0.99),
        PhaseSnapshot())
    {
        PhaseCoverage = Coverage.Where(c => c.Value.Count > 0).ToDictionary(c => c.Key, c => c.Value.Quantile(0.5)),
        ActiveFlows = Interlocked.Read(ref _activeFlows),
        RecentFailures = _recentFailures.Snapshot(),
    };
}
