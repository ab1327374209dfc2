using System.Text.Json;

namespace Dts.Testbed.Demo;

/// <summary>
/// One node's <c>GET /dts/stats</c> (Dts.AspNetCore's <c>DtsStats</c>, read as JSON). In a <see cref="DemoReport"/>
/// the counters cover the demo's traffic only (the snapshot taken before it is subtracted); latencies are the
/// node's reservoir of its last 8192 handovers, in µs.
/// </summary>
/// <param name="Node">Node id.</param>
/// <param name="Served">Requests the node's app served.</param>
/// <param name="ServedArrivedByHandover">Of those, requests on connections handed over to this node.</param>
/// <param name="HandoversOut">Connections this node accepted and handed to another node.</param>
/// <param name="HandoversIn">Connections this node received by handover.</param>
/// <param name="HandoverFailures">Handovers this node attempted that failed (the request then took the fallback).</param>
/// <param name="Fallbacks">Requests served by the proxy or local fallback instead of a handover.</param>
/// <param name="Rejected">Requests answered 503 by the reject fallback.</param>
/// <param name="HandoverP50Us">Median handover latency as origin (checkpoint to target's answer), µs.</param>
/// <param name="HandoverP99Us">99th percentile handover latency as origin, µs.</param>
/// <param name="Phases">Per phase (<c>nft</c>, <c>checkpoint</c>, <c>rpc</c>, <c>restore</c>, <c>adopt</c>).</param>
public sealed record DemoNodeStats(
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
    IReadOnlyDictionary<string, DemoPhaseStats> Phases)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Parses a <c>/dts/stats</c> body.</summary>
    /// <exception cref="JsonException">The body is not a stats object.</exception>
    public static DemoNodeStats Parse(string json) =>
        JsonSerializer.Deserialize<DemoNodeStats>(json, JsonOptions) ?? throw new JsonException("/dts/stats answered null");

    /// <summary>These counters minus <paramref name="baseline"/>'s (same node, earlier); latencies stay as they are.</summary>
    public DemoNodeStats Since(DemoNodeStats baseline) => this with
    {
        Served = Served - baseline.Served,
        ServedArrivedByHandover = ServedArrivedByHandover - baseline.ServedArrivedByHandover,
        HandoversOut = HandoversOut - baseline.HandoversOut,
        HandoversIn = HandoversIn - baseline.HandoversIn,
        HandoverFailures = HandoverFailures - baseline.HandoverFailures,
        Fallbacks = Fallbacks - baseline.Fallbacks,
        Rejected = Rejected - baseline.Rejected,
    };
}
