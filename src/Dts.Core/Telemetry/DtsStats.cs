namespace Dts.Core.Telemetry;

/// <summary>
/// One node's counters as <c>GET /dts/stats</c> returns them (JSON, camelCase): the contract between a node
/// (Dts.AspNetCore) and whoever reads it (the demo, the bench). Latencies are µs over the
/// last 8192 handovers.
/// </summary>
public sealed record DtsStats(
    string Node,
    long Served,
    long ServedArrivedByHandover,
    long HandoversOut,
    long HandoversIn,
    long HandoverFailures,
    long Fallbacks,
    long Rejected,
    double HandoverP50Us,
    double HandoverP99Us,
    IReadOnlyDictionary<string, DtsPhaseStats> Phases)
{
    /// <summary>The Splice packet path's counters; null on a node that runs Repair.</summary>
    public DtsSpliceStats? Splice { get; init; }

    /// <summary>The node's membership view and bucket table; null on a node that runs without DTS's node services.</summary>
    public DtsMembershipStats? Membership { get; init; }

    public IReadOnlyDictionary<string, double>? PhaseCoverage { get; init; }
}

/// <summary>p50/p99 (µs) and sample count of one handover phase.</summary>
public sealed record DtsPhaseStats(double P50Us, double P99Us, long Count);
