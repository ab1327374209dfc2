using System.Text.Json;
using Dts.Core.Telemetry;

namespace Dts.Testbed;

/// <summary>Reads a node's <c>GET /dts/stats</c> (<see cref="DtsStats"/>) and takes differences of snapshots.</summary>
public static class DtsStatsReader
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Parses a <c>/dts/stats</c> body.</summary>
    /// <exception cref="JsonException">The body is not a stats object.</exception>
    public static DtsStats Parse(string json) =>
        JsonSerializer.Deserialize<DtsStats>(json, JsonOptions) ?? throw new JsonException("/dts/stats answered null");

    /// <summary>These counters minus <paramref name="baseline"/>'s (same node, earlier); latencies stay as they are.</summary>
    public static DtsStats Since(this DtsStats stats, DtsStats baseline) => stats with
    {
        Served = stats.Served - baseline.Served,
        ServedArrivedByHandover = stats.ServedArrivedByHandover - baseline.ServedArrivedByHandover,
        HandoversOut = stats.HandoversOut - baseline.HandoversOut,
        HandoversIn = stats.HandoversIn - baseline.HandoversIn,
        HandoverFailures = stats.HandoverFailures - baseline.HandoverFailures,
        Fallbacks = stats.Fallbacks - baseline.Fallbacks,
        Rejected = stats.Rejected - baseline.Rejected,
    };
}
