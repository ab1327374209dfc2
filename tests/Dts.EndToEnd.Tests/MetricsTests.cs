using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests;

/// <summary>
/// Issue 10 item 3: the <c>Dts</c> meter through OpenTelemetry, as Prometheus text at <c>/metrics</c> on each node's
/// management endpoint (the sample's wiring), counting what <c>/dts/stats</c> counts.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class MetricsTests(ClusterFixture cluster)
{
    [RootFact]
    public async Task Metrics_AfterHandedOverRequests_DtsHandoversSeriesMatchStats()
    {
        var t = cluster.Testbed;
        // /api/** is served by n3: connections other nodes accept are handed over to it.
        var handedOver = 0;
        for (var i = 0; i < 40 && handedOver < 3; i++)
        {
            using var client = t.CreateClientHttpClient(TimeSpan.FromSeconds(10));
            using var response = await client.GetAsync(new Uri($"http://{t.Vip}/api/whoami"));
            response.EnsureSuccessStatusCode();
            handedOver += response.Headers.Contains("X-Dts-Origin") ? 1 : 0;
        }
        Assert.True(handedOver > 0, "no request was handed over\n" + cluster.Logs());

        using var http = t.CreateClientHttpClient(TimeSpan.FromSeconds(10));
        long outTotal = 0, inTotal = 0;
        for (var node = 1; node <= t.NodeCount; node++)
        {
            var (stats, metrics) = await SnapshotAsync(http, t.ManagementUri(node, "/dts/stats"), t.ManagementUri(node, "/metrics"));

            Assert.Equal(stats.GetProperty("handoversOut").GetInt64(), Sum(metrics, "dts_handovers_total", "direction=\"out\"", "result=\"ok\""));
            Assert.Equal(stats.GetProperty("handoversIn").GetInt64(), Sum(metrics, "dts_handovers_total", "direction=\"in\"", "result=\"ok\""));
            if (stats.GetProperty("handoversOut").GetInt64() > 0)
            {
                // Durations in seconds with boundaries for them (the meter's advice), not OpenTelemetry's millisecond defaults.
                Assert.Equal(stats.GetProperty("handoversOut").GetInt64(), Sum(metrics, "dts_handover_duration_seconds_count"));
                Assert.Contains("dts_handover_duration_seconds_bucket{otel_scope_name=\"Dts\",le=\"0.001\"}", metrics, StringComparison.Ordinal);
            }
            outTotal += stats.GetProperty("handoversOut").GetInt64();
            inTotal += stats.GetProperty("handoversIn").GetInt64();
        }
        Assert.True(outTotal >= handedOver && inTotal == outTotal, $"out {outTotal}, in {inTotal}, handed over here {handedOver}");
    }

    /// <summary>
    /// <c>/dts/stats</c> and <c>/metrics</c> of one node at one moment: the stats read before and after the metrics must
    /// agree (an origin counts its handover once the target's answer is back, which may be after the client already
    /// has its response), within 10 s.
    /// </summary>
    private static async Task<(JsonElement Stats, string Metrics)> SnapshotAsync(HttpClient http, Uri stats, Uri metrics)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var before = await http.GetStringAsync(stats);
            var text = await http.GetStringAsync(metrics);
            var after = await http.GetStringAsync(stats);
            var (b, a) = (JsonDocument.Parse(before).RootElement, JsonDocument.Parse(after).RootElement);
            if ((b.GetProperty("handoversOut").GetInt64(), b.GetProperty("handoversIn").GetInt64())
                == (a.GetProperty("handoversOut").GetInt64(), a.GetProperty("handoversIn").GetInt64()) || DateTime.UtcNow > deadline)
            {
                return (a, text);
            }
            await Task.Delay(100);
        }
    }

    [RootFact]
    public async Task Metrics_OnTheVip_TheAppsOwn404()
    {
        var t = cluster.Testbed;
        using var http = t.CreateClientHttpClient(TimeSpan.FromSeconds(10));

        using var response = await http.GetAsync(new Uri($"http://{t.Vip}/metrics"));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>The sum of the samples of <paramref name="metric"/> whose labels include every one of <paramref name="labels"/> (Prometheus text format: <c>name{labels} value [timestamp]</c>).</summary>
    private static long Sum(string exposition, string metric, params string[] labels) =>
        exposition.Split('\n')
            .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) && labels.All(label => l.Contains(label, StringComparison.Ordinal)))
            .Sum(l => long.Parse(l[(l.LastIndexOf('}') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture));
}
