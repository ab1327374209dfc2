using System.Net.Http.Json;
using System.Text.Json;
using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests;

/// <summary>(a) Every route of appsettings/appsettings.json is served by its node, with curl and with HttpClient.</summary>
public abstract class RoutingTests(ClusterFixture cluster)
{
    [RootFact]
    public async Task Curl_ContentRoutes_ServedByTheirNodes()
    {
        foreach (var (path, node) in new[] { ("/static/hello.txt", "n2"), ("/api/whoami", "n3") })
        {
            for (var i = 0; i < 6; i++)
            {
                var r = await cluster.Testbed.RunInClientAsync("curl",
                    ["-s", "-m", "10", "-o", "/dev/null", "-D", "-", $"http://{cluster.Testbed.Vip}{path}"], TimeSpan.FromSeconds(15));
                Assert.True(r.Succeeded, r.StandardError);
                Assert.Contains("HTTP/1.1 200", r.StandardOutput);
                Assert.Contains($"X-Dts-Node: {node}", r.StandardOutput);
            }
        }
    }

    [RootFact]
    public async Task Curl_StaticFile_BytesAsOnDisk()
    {
        var r = await cluster.Testbed.RunInClientAsync("curl",
            ["-s", "-m", "10", $"http://{cluster.Testbed.Vip}/static/hello.txt"], TimeSpan.FromSeconds(15));

        var onDisk = await File.ReadAllTextAsync(Path.Combine(Testbed.Sample.SampleNodeProgram.Locate().RepositoryRoot, "samples", "Dts.Sample.Web", "wwwroot", "static", "hello.txt"));
        Assert.Equal(onDisk, r.StandardOutput);
    }

    [RootFact]
    public async Task HttpClient_EveryRoute_ServedByItsNode()
    {
        var seenOnDefault = new HashSet<string>();
        for (var i = 0; i < 30; i++)
        {
            // A new HttpClient is a new connection, dispatched afresh.
            using var http = cluster.Testbed.CreateClientHttpClient();
            Assert.Equal("n3", (await WhoAmIAsync(http, "/api/whoami")).GetProperty("node").GetString());
            using var http2 = cluster.Testbed.CreateClientHttpClient();
            Assert.Equal("n2", (await WhoAmIAsync(http2, "/static/whoami")).GetProperty("node").GetString());
            using var http3 = cluster.Testbed.CreateClientHttpClient();
            seenOnDefault.Add((await WhoAmIAsync(http3, "/whoami")).GetProperty("node").GetString()!);
        }

        // The default route load-balances (RoundRobin) over every node: 30 connections over 3 origins
        // give at least one origin ≥ 10 picks, so all three nodes must appear.
        Assert.Equal(["n1", "n2", "n3"], seenOnDefault.Order());
    }

    [RootFact]
    public async Task ProxiedRoute_ForwardedByYarp_NeverHandedOver()
    {
        var handoversBefore = await cluster.SumAsync("handoversOut");
        var fallbacksBefore = await cluster.SumAsync("fallbacks");
        var proxiedBy = new List<string?>();

        for (var i = 0; i < 10; i++)
        {
            using var http = cluster.Testbed.CreateClientHttpClient();
            using var response = await http.GetAsync($"http://{cluster.Testbed.Vip}/proxied/bytes/1000");
            Assert.True(response.IsSuccessStatusCode);
            Assert.Equal("n3", response.Headers.GetValues("X-Dts-Node").Single());
            Assert.False(response.Headers.Contains("X-Dts-Origin"));
            proxiedBy.Add(response.Headers.TryGetValues("X-Dts-Proxied-By", out var p) ? p.Single() : null);
            Assert.Equal(Enumerable.Range(0, 1000).Select(b => (byte)(b % 251)), await response.Content.ReadAsByteArrayAsync());
        }

        // Either the origin forwarded it (and says so) or n3 owned the connection and served it itself.
        Assert.All(proxiedBy, p => Assert.True(p is null or "n1" or "n2", $"proxied by {p}"));
        Assert.Contains(proxiedBy, p => p is not null);
        Assert.Equal(handoversBefore, await cluster.SumAsync("handoversOut"));
        // Connections owned by n3 itself are served there; the others went through the proxy.
        Assert.True(await cluster.SumAsync("fallbacks") > fallbacksBefore);
    }

    private async Task<JsonElement> WhoAmIAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync($"http://{cluster.Testbed.Vip}{path}");
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}\n{cluster.Logs()}");
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(json.GetProperty("node").GetString(), response.Headers.GetValues("X-Dts-Node").Single());
        return json;
    }
}

[Collection(ClusterCollection.Name)]
public sealed class RoutingTestsRepair(ClusterFixture cluster) : RoutingTests(cluster);

[Collection(SpliceClusterCollection.Name)]
public sealed class RoutingTestsSplice(SpliceClusterFixture cluster) : RoutingTests(cluster);
