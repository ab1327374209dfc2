using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dts.EndToEnd.Tests.Infrastructure;
using Dts.Testbed;

namespace Dts.EndToEnd.Tests.Adversarial;

/// <summary>A testbed whose <c>/api</c> route (n3) falls back to Local: the origin serves what it failed to hand over.</summary>
public sealed class LocalFallbackFixture : ClusterFixture
{
    // "Still a member but does not answer" is the scenario: with etcd, a freeze longer than the lease TTL (2 s) expels
    // the target, and a connection dispatched after that (a busy machine's) is not even tried for a handover.
    protected override TestbedMembership Membership => TestbedMembership.Static;

    protected override IReadOnlyDictionary<string, string> NodeSettings { get; } = new Dictionary<string, string>
    {
        ["ReverseProxy:Routes:api:Metadata:Dts.Fallback"] = "Local",
    };
}

[CollectionDefinition(Name)]
public sealed class LocalFallbackCollection : ICollectionFixture<LocalFallbackFixture>
{
    public const string Name = "adversarial: frozen target, Local fallback";
}

/// <summary>
/// A target that is still a member but does not answer (SIGSTOP): every handover waits out the handover timeout and
/// the Cancel query, then fails, while the client keeps sending. The origin's Kestrel then reads the request's rest
/// itself, after the recorder's waits examined bytes ahead of it (<c>RecordingPipeReader.TryReadAhead</c>).
/// Connections come from client ports n1 and n2 own.
/// </summary>
[Collection(LocalFallbackCollection.Name)]
public sealed class FrozenTargetTests(LocalFallbackFixture cluster)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [RootFact]
    public async Task TargetFrozen_SlowUploadWithoutExpect_OriginServesItWithEverything()
    {
        var t = cluster.Testbed;
        var body = SampleContent.Upload(1 << 20);
        var expected = $"{Convert.ToHexStringLower(SHA256.HashData(body))} {body.Length}\n";
        var ports = TargetN3.PortsNotOwned(cluster, 30_000, 8);
        var failuresBefore = await cluster.SumAsync("handoverFailures");

        var replies = await TargetN3.WhileFrozenAsync(cluster, 38_000, () => Task.WhenAll(ports.Select(async (port, i) =>
        {
            using var raw = await RawClient.ConnectAsync(t, TimeSpan.FromSeconds(5), port);
            using var cts = new CancellationTokenSource(Bound);
            var (chunk, pauseMs) = i % 2 == 0 ? (16384, 2) : (4096, 1);
            await raw.SendAsync(Encoding.ASCII.GetBytes($"POST /api/echo HTTP/1.1\r\nHost: vip\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), cts.Token);
            for (var offset = 0; offset < body.Length; offset += chunk)
            {
                await Task.Delay(pauseMs, cts.Token);
                await raw.SendAsync(body.AsMemory(offset, Math.Min(chunk, body.Length - offset)), cts.Token);
            }
            return (Port: port, Reply: Encoding.Latin1.GetString(await raw.ReadToEndAsync(Bound)));
        })));

        var wrong = replies.Where(r => !r.Reply.StartsWith("HTTP/1.1 200", StringComparison.Ordinal)
            || KeepAliveClient.Header(r.Reply, "X-Dts-Node") != t.NodeId(t.OwnerIndex(r.Port) + 1)
            || !r.Reply.EndsWith(expected, StringComparison.Ordinal)).ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count}/{replies.Length} uploads not echoed intact by their origin:\n"
            + string.Join('\n', wrong.Select(r => $"port {r.Port}: {r.Reply[..Math.Min(r.Reply.Length, 200)]}")) + "\n" + cluster.Logs());
        Assert.True(await cluster.SumAsync("handoverFailures") - failuresBefore >= ports.Length, "the origins did not try (and fail) to hand the uploads over");
    }

    [RootFact]
    public async Task TargetFrozen_PipelinedOrHalfClosedRequests_OriginAnswersEveryOne()
    {
        var t = cluster.Testbed;
        var echo = Convert.ToHexStringLower(SHA256.HashData("abcde"u8)) + " 5\n";
        var ports = TargetN3.PortsNotOwned(cluster, 34_000, 8);

        var replies = await TargetN3.WhileFrozenAsync(cluster, 38_000, () => Task.WhenAll(ports.Select(async (port, i) =>
        {
            using var raw = await RawClient.ConnectAsync(t, TimeSpan.FromSeconds(5), port);
            if (i % 2 == 0)
            {
                // The FIN arrives while the origin waits for n3's answer.
                await raw.SendAsync("GET /api/whoami HTTP/1.1\r\nHost: vip\r\n\r\n");
                await Task.Delay(300);
                raw.ShutdownSend();
            }
            else
            {
                await raw.SendAsync("GET /api/whoami HTTP/1.1\r\nHost: vip\r\n\r\nGET /api/bytes/300 HTTP/1.1\r\nHost: vip\r\n\r\n"
                    + "POST /api/echo HTTP/1.1\r\nHost: vip\r\nContent-Length: 5\r\nConnection: close\r\n\r\nab");
                await Task.Delay(300);
                await raw.SendAsync("cde");
            }
            return (Port: port, Pipelined: i % 2 == 1, Reply: Encoding.Latin1.GetString(await raw.ReadToEndAsync(Bound)));
        })));

        var wrong = replies.Where(r => r.Reply.Split("HTTP/1.1 200 OK").Length - 1 != (r.Pipelined ? 3 : 1)
            || KeepAliveClient.Header(r.Reply, "X-Dts-Node") != t.NodeId(t.OwnerIndex(r.Port) + 1)
            || (r.Pipelined && !r.Reply.EndsWith(echo, StringComparison.Ordinal))).ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count}/{replies.Length} connections not answered in full by their origin:\n"
            + string.Join('\n', wrong.Select(r => $"port {r.Port}: {r.Reply[..Math.Min(r.Reply.Length, 200)]}")) + "\n" + cluster.Logs());
    }
}
