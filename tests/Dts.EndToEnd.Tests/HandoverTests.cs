using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests;

/// <summary>(b)–(e): what travels with a handed-over connection arrives intact, in order, at the target.</summary>
public abstract class HandoverTests(ClusterFixture cluster)
{
    private const long DownloadBytes = 64L << 20;

    [RootFact]
    public async Task Download64MiB_HandedOver_ByteIdentical()
    {
        var expected = SampleContent.Sha256Hex(DownloadBytes);

        var (origin, sha, length) = await Handovers.UntilHandedOverAsync(async () =>
        {
            using var http = cluster.Testbed.CreateClientHttpClient(TimeSpan.FromSeconds(60));
            using var response = await http.GetAsync($"http://{cluster.Testbed.Vip}/api/bytes/{DownloadBytes}", HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            Assert.Equal("n3", response.Headers.GetValues("X-Dts-Node").Single());
            await using var body = await response.Content.ReadAsStreamAsync();
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 16];
            long total = 0;
            int n;
            while ((n = await body.ReadAsync(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                total += n;
            }
            var origin = response.Headers.TryGetValues("X-Dts-Origin", out var o) ? o.Single() : null;
            return (origin is not null, (origin, Convert.ToHexStringLower(hash.GetHashAndReset()), total));
        });

        Assert.NotEqual("n3", origin);
        Assert.Equal(DownloadBytes, length);
        Assert.Equal(expected, sha);
    }

    [RootFact]
    public async Task KeepAlive100Requests_OnHandedOverConnection_AllServedByTarget()
    {
        var (http, first) = await Handovers.UntilHandedOverAsync(async () =>
        {
            var client = cluster.Testbed.CreateClientHttpClient();
            var json = await client.GetFromJsonAsync<JsonElement>($"http://{cluster.Testbed.Vip}/api/whoami");
            var handedOver = json.GetProperty("arrivedByHandover").GetBoolean();
            if (!handedOver)
            {
                client.Dispose();
            }
            return (handedOver, (client, json));
        });
        using var _ = http;
        var clientEndPoint = first.GetProperty("client").GetString();

        var nodes = new List<string?>();
        for (var i = 0; i < 99; i++)
        {
            var json = await http.GetFromJsonAsync<JsonElement>($"http://{cluster.Testbed.Vip}/api/whoami");
            // Same connection (same client port), served by the target, still marked as handed over.
            Assert.Equal(clientEndPoint, json.GetProperty("client").GetString());
            Assert.True(json.GetProperty("arrivedByHandover").GetBoolean());
            nodes.Add(json.GetProperty("node").GetString());
        }

        Assert.Equal(99, nodes.Count(n => n == "n3"));
    }

    [RootFact]
    public async Task TwoPipelinedRequestsInOneSegment_HandedOver_BothAnsweredInOrder()
    {
        var response = await Handovers.UntilHandedOverAsync(async () =>
        {
            using var raw = await RawClient.ConnectAsync(cluster.Testbed, TimeSpan.FromSeconds(5));
            await raw.SendAsync(
                "GET /api/whoami HTTP/1.1\r\nHost: vip\r\n\r\n" +
                "GET /api/bytes/300 HTTP/1.1\r\nHost: vip\r\nConnection: close\r\n\r\n");
            var bytes = await raw.ReadToEndAsync(TimeSpan.FromSeconds(10));
            var text = Encoding.Latin1.GetString(bytes);
            return (text.Contains("X-Dts-Origin:", StringComparison.Ordinal), (text, bytes));
        });

        var first = response.text.IndexOf("HTTP/1.1 200 OK", StringComparison.Ordinal);
        var second = response.text.IndexOf("HTTP/1.1 200 OK", first + 1, StringComparison.Ordinal);
        Assert.True(first == 0 && second > 0, response.text);
        Assert.Contains("\"node\":\"n3\"", response.text[..second]);
        // The second response is the 300 deterministic bytes, last on the wire.
        var expected = Enumerable.Range(0, 300).Select(i => (byte)(i % 251)).ToArray();
        Assert.Equal(expected, response.bytes[^300..]);
    }

    [RootFact]
    public async Task Post1MiB_BodyStillArrivingDuringHandover_EchoesItsSha256()
    {
        var body = SampleContent.Upload(1 << 20);
        var expected = $"{Convert.ToHexStringLower(SHA256.HashData(body))} {body.Length}";

        var text = await Handovers.UntilHandedOverAsync(async () =>
        {
            using var raw = await RawClient.ConnectAsync(cluster.Testbed, TimeSpan.FromSeconds(5));
            await raw.SendAsync($"POST /api/echo HTTP/1.1\r\nHost: vip\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
            await raw.SendAsync(body.AsMemory(0, 48 * 1024));
            // The head is complete, so the origin dispatches and hands over while the rest is still to come.
            await Task.Delay(300);
            await raw.SendAsync(body.AsMemory(48 * 1024));
            var reply = Encoding.Latin1.GetString(await raw.ReadToEndAsync(TimeSpan.FromSeconds(20)));
            return (reply.Contains("X-Dts-Origin:", StringComparison.Ordinal), reply);
        });

        Assert.StartsWith("HTTP/1.1 200 OK", text);
        Assert.Contains("X-Dts-Node: n3", text);
        Assert.EndsWith(expected + "\n", text);
    }
}

[Collection(ClusterCollection.Name)]
public sealed class HandoverTestsRepair(ClusterFixture cluster) : HandoverTests(cluster);

[Collection(SpliceClusterCollection.Name)]
public sealed class HandoverTestsSplice(SpliceClusterFixture cluster) : HandoverTests(cluster);
