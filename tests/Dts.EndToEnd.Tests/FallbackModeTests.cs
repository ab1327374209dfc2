using System.Diagnostics;
using System.Text;
using Dts.Core.Ownership;
using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests;

/// <summary>A testbed whose routes ask for the other two fallbacks: /api → Reject (503), /static → Local.</summary>
public sealed class FallbackModeFixture : ClusterFixture
{
    protected override IReadOnlyDictionary<string, string> NodeSettings { get; } = new Dictionary<string, string>
    {
        ["ReverseProxy:Routes:api:Metadata:Dts.Fallback"] = "Reject",
        ["ReverseProxy:Routes:static:Metadata:Dts.Fallback"] = "Local",
    };
}

[CollectionDefinition(Name)]
public sealed class FallbackModeCollection : ICollectionFixture<FallbackModeFixture>
{
    public const string Name = "cluster with Reject and Local fallbacks";
}

/// <summary>
/// Per route <c>Dts.Fallback</c>: with the targets dead, a Reject route answers 503 at once and a Local route
/// is served by the node that accepted the connection. Connections come from ports n1 owns (FlowOwner).
/// </summary>
[Collection(FallbackModeCollection.Name)]
public sealed class FallbackModeTests(FallbackModeFixture cluster)
{
    [RootFact]
    public async Task TargetsDead_RejectRoute503_LocalRouteServedByOrigin()
    {
        var t = cluster.Testbed;
        var ports = await KillTargetsAsync(21_000, 6);

        for (var i = 0; i < ports.Length; i++)
        {
            var (path, expected) = i % 2 == 0 ? ("/api/whoami", "HTTP/1.1 503") : ("/static/whoami", "HTTP/1.1 200");
            var watch = Stopwatch.StartNew();
            using var raw = await RawClient.ConnectAsync(t, TimeSpan.FromSeconds(5), ports[i]);
            await raw.SendAsync($"GET {path} HTTP/1.1\r\nHost: vip\r\nConnection: close\r\n\r\n");
            var reply = Encoding.Latin1.GetString(await raw.ReadToEndAsync(TimeSpan.FromSeconds(10)));

            Assert.StartsWith(expected, reply);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"{path} took {watch.Elapsed}");
            if (path.StartsWith("/static", StringComparison.Ordinal))
            {
                Assert.Contains("X-Dts-Node: n1", reply);
                Assert.Contains("\"node\":\"n1\"", reply);
            }
        }
    }

    /// <summary>
    /// A handover that fails (the target is dead) while the client streams an upload without
    /// <c>Expect: 100-continue</c>: the origin's socket was frozen only for its checkpoint, so Kestrel's transport
    /// never tripped over it (a frozen socket fails every receive), and the Local fallback gets every byte of the
    /// body — request head, the read-ahead Kestrel recorded and what the kernel still queued.
    /// </summary>
    [RootFact]
    public async Task TargetsDead_UploadWithoutExpect_LocalRouteGetsEveryByte()
    {
        var t = cluster.Testbed;
        var ports = await KillTargetsAsync(26_000, 3);
        var body = SampleContent.Upload(4 << 20);
        var expected = $"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body))} {body.Length}\n";

        foreach (var port in ports)
        {
            using var raw = await RawClient.ConnectAsync(t, TimeSpan.FromSeconds(5), port);
            var head = Encoding.ASCII.GetBytes($"POST /static/echo HTTP/1.1\r\nHost: vip\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
            await raw.SendAsync(head.Concat(body).ToArray());
            var reply = Encoding.Latin1.GetString(await raw.ReadToEndAsync(TimeSpan.FromSeconds(20)));

            Assert.StartsWith("HTTP/1.1 200", reply);
            Assert.Contains("X-Dts-Node: n1", reply);
            Assert.EndsWith(expected, reply);
        }
    }

    /// <summary>
    /// Kills n2 and n3 (every route's target but the origin's own) and picks <paramref name="count"/> client ports
    /// that n1 owns (FlowOwner), from a random window at <paramref name="from"/>, below the ephemeral range.
    /// </summary>
    private async Task<int[]> KillTargetsAsync(int from, int count)
    {
        var t = cluster.Testbed;
        await t.KillNodeAsync(2);
        await t.KillNodeAsync(3);
        return Enumerable.Range(from + Random.Shared.Next(4_000), 1_000)
            .Where(p => t.OwnerIndex(p) == 0)
            .Take(count).ToArray();
    }
}
