using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Dts.Core.Telemetry;
using Dts.Core.Handover;
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
    private readonly string _node;
    private long _servedCount, _handedOut, _handedIn, _failed, _fallbackCount, _rejected, _adoptedServed;

    [SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "IMeterFactory owns the Meter it creates and disposes it with the service provider.")]
    public DtsTelemetry(IMeterFactory meters, IOptions<DtsOptions> options)
    {
        _node = options.Value.NodeId;
        var meter = meters.Create("Dts");
        _handovers = meter.CreateCounter<long>("dts.handovers", "{handover}", "Handovers by direction (out, in), result (ok, failed) and mechanism (Repair, Splice).");
        _fallbacks = meter.CreateCounter<long>("dts.fallbacks", "{request}", "Requests served by a fallback (proxy, local, reject) instead of a handover.");
        _served = meter.CreateCounter<long>("dts.requests.served", "{request}", "Requests this node's app served.");
        _duration = meter.CreateHistogram<double>("dts.handover.duration", "s", "Origin-side duration of a successful handover.");
        _phase = meter.CreateHistogram<double>("dts.handover.phase.duration", "s", "Duration of one handover phase (nft, checkpoint, rpc, restore, adopt).");
    }

    public LatencyReservoir Latency { get; } = new();

    public IReadOnlyDictionary<string, LatencyReservoir> Phases { get; } = new Dictionary<string, LatencyReservoir>
    {
        ["nft"] = new(), ["checkpoint"] = new(), ["rpc"] = new(), ["restore"] = new(), ["adopt"] = new(),
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

    public void HandoverCompleted(HandoverMechanism mechanism, TimeSpan nft, TimeSpan checkpoint, TimeSpan roundTrip, TimeSpan total)
    {
        Interlocked.Increment(ref _handedOut);
        Latency.Add(total);
        Phase("nft", nft);
        Phase("checkpoint", checkpoint);
        Phase("rpc", roundTrip);
        if (_handovers.Enabled)
        {
            _handovers.Add(1, new("direction", "out"), new("result", "ok"), new("mechanism", mechanism.ToString()));
        }
        if (_duration.Enabled)
        {
            _duration.Record(total.TotalSeconds);
        }
    }

    public void HandoverReceived(HandoverMechanism mechanism, TimeSpan restore, TimeSpan adopt)
    {
        Interlocked.Increment(ref _handedIn);
        Phase("restore", restore);
        Phase("adopt", adopt);
        if (_handovers.Enabled)
        {
            _handovers.Add(1, new("direction", "in"), new("result", "ok"), new("mechanism", mechanism.ToString()));
        }
    }

    public void HandoverFailed(HandoverMechanism mechanism, string reason)
    {
        Interlocked.Increment(ref _failed);
        if (_handovers.Enabled)
        {
            _handovers.Add(1, new("direction", "out"), new("result", "failed"), new("mechanism", mechanism.ToString()));
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

    private void Phase(string name, TimeSpan value)
    {
        Phases[name].Add(value);
        if (_phase.Enabled)
        {
            _phase.Record(value.TotalSeconds, new KeyValuePair<string, object?>("phase", name));
        }
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
        Phases.ToDictionary(p => p.Key, p => new DtsPhaseStats(p.Value.Quantile(0.5), p.Value.Quantile(0.99), p.Value.Count)));
}
