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

    /// <summary>
    /// Per side ("origin", "target"), the median fraction (0–1) of a handover's wall time on that node that its named
    /// phases (<see cref="Phases"/>) cover; absent for a side with no handover yet.
    /// </summary>
    public IReadOnlyDictionary<string, double>? PhaseCoverage { get; init; }

    /// <summary>The VIP's TCP connections open on this node now: accepted here or taken in by handover (<c>dts.flows.active</c>).</summary>
    public long ActiveFlows { get; init; }

    /// <summary>
    /// The last handovers this node originated that failed, newest first: at most
    /// <see cref="RecentFailuresCapacity"/>; empty when none failed since the node started.
    /// </summary>
    public IReadOnlyList<DtsHandoverFailure> RecentFailures { get; init; } = [];

    /// <summary>How many failures <see cref="RecentFailures"/> keeps (the oldest goes first).</summary>
    public const int RecentFailuresCapacity = 20;
}

/// <summary>p50/p99 (µs) and sample count of one handover phase.</summary>
public sealed record DtsPhaseStats(double P50Us, double P99Us, long Count);
