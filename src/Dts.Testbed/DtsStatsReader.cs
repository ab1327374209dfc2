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

    /// <summary>
    /// The <c>membership</c> object of a <c>/dts/stats</c> body (issue 8's field names, <c>store_reachable</c>,
    /// <c>self_buckets</c>; their camelCase spellings are accepted too), or null when the node reports none. Missing or
    /// mistyped fields come back null rather than failing: this is for display.
    /// </summary>
    /// <exception cref="JsonException">The body is not JSON.</exception>
    public static NodeMembershipStats? ParseMembership(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("membership", out var m)
            || m.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var members = new List<NodeMembershipMember>();
        if (Property(m, "members") is { ValueKind: JsonValueKind.Array } array)
        {
            foreach (var member in array.EnumerateArray())
            {
                if (member.ValueKind == JsonValueKind.Object && String(member, "id") is string id)
                {
                    members.Add(new NodeMembershipMember(id, String(member, "state"), Int(member, "buckets")));
                }
            }
        }

        return new NodeMembershipStats(
            String(m, "mode"),
            Property(m, "revision") is { ValueKind: JsonValueKind.Number } revision && revision.TryGetInt64(out long r) ? r : null,
            Bool(m, "store_reachable"),
            Bool(m, "fenced"),
            Bool(m, "draining"),
            Int(m, "self_buckets"),
            members);
    }

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

    private static JsonElement? Property(JsonElement o, string snakeName)
    {
        if (o.TryGetProperty(snakeName, out var value))
        {
            return value;
        }

        return o.TryGetProperty(JsonNamingPolicy.CamelCase.ConvertName(SnakeToPascal(snakeName)), out value) ? value : null;
    }

    private static string SnakeToPascal(string snake) =>
        string.Concat(snake.Split('_').Select(part => part.Length == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..]));

    private static string? String(JsonElement o, string name) =>
        Property(o, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    private static bool? Bool(JsonElement o, string name) =>
        Property(o, name) is { ValueKind: JsonValueKind.True or JsonValueKind.False } v ? v.GetBoolean() : null;

    private static int? Int(JsonElement o, string name) =>
        Property(o, name) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt32(out int i) ? i : null;
}
