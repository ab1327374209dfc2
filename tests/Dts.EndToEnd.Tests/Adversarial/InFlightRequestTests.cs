using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests.Adversarial;

/// <summary>
/// Requests whose bytes are still arriving while the origin quiesces, checkpoints and records (the recorder's wait
/// wakes on the transport's flushes): uploads without <c>Expect: 100-continue</c> sent in small writes with pauses,
/// pipelined requests split mid-head, clients that reset mid-handover. Every connection counts, handed over or not.
/// </summary>
public abstract class InFlightRequestTests(ClusterFixture cluster)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [RootFact]
    public async Task SlowUploadWithoutExpect_BodyArrivingDuringHandover_EchoesItsSha256()
    {
        var t = cluster.Testbed;
        var failures = new List<string>();
        var handedOver = 0;
        var attempts = 0;
        foreach (var (size, chunk, pauseMs) in new[] { (64 << 10, 1024, 1), (1 << 20, 4096, 0), (1 << 20, 16384, 2), (8 << 20, 65536, 1) })
        {
            var body = SampleContent.Upload(size);
            var expected = $"{Convert.ToHexStringLower(SHA256.HashData(body))} {body.Length}\n";
            for (var i = 0; i < 4; i++)
            {
                attempts++;
                var reply = await UploadInPiecesAsync(t, body, chunk, pauseMs, headWithFirstPiece: i % 2 == 0);
                handedOver += KeepAliveClient.Header(reply, "X-Dts-Origin") is null ? 0 : 1;
                if (!reply.StartsWith("HTTP/1.1 200", StringComparison.Ordinal) || KeepAliveClient.Header(reply, "X-Dts-Node") != "n3" || !reply.EndsWith(expected, StringComparison.Ordinal))
                {
                    failures.Add($"{size} B in {chunk} B pieces, {pauseMs} ms apart: {reply[..Math.Min(reply.Length, 200)]}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count}/{attempts} uploads were not echoed intact by n3:\n{string.Join('\n', failures)}\n{cluster.Logs()}");
        Assert.True(handedOver > 0, $"none of {attempts} uploads was handed over");
    }

    [RootFact]
    public async Task PipelinedRequestsSplitAcrossWrites_AllAnsweredInOrder()
    {
        var t = cluster.Testbed;
        var echo = Convert.ToHexStringLower(SHA256.HashData("abcde"u8)) + " 5\n";
        var last = Enumerable.Range(0, 1000).Select(k => (byte)(k % 251)).ToArray();
        var failures = new List<string>();
        var handedOver = 0;
        for (var i = 0; i < 12; i++)
        {
            using var raw = await RawClient.ConnectAsync(t, TimeSpan.FromSeconds(5));
            // The second head is cut in two, the POST's body in two, the last GET follows the body in the same write.
            await raw.SendAsync("GET /api/whoami HTTP/1.1\r\nHost: vip\r\n\r\nGET /api/by");
            await Task.Delay(i % 3 * 10);
            await raw.SendAsync("tes/300 HTTP/1.1\r\nHost: vip\r\n\r\nPOST /api/echo HTTP/1.1\r\nHost: vip\r\nContent-Length: 5\r\n\r\nab");
            await Task.Delay(i % 2 == 0 ? 1 : 20);
            await raw.SendAsync("cdeGET /api/bytes/1000 HTTP/1.1\r\nHost: vip\r\nConnection: close\r\n\r\n");
            var bytes = await raw.ReadToEndAsync(Bound);
            var text = Encoding.Latin1.GetString(bytes);
            handedOver += KeepAliveClient.Header(text, "X-Dts-Origin") is null ? 0 : 1;
            var responses = text.Split("HTTP/1.1 200 OK").Length - 1;
            if (responses != 4 || text.Split("X-Dts-Node: n3").Length != 5 || !text.Contains(echo, StringComparison.Ordinal) || !bytes.AsSpan(Math.Max(0, bytes.Length - 1000)).SequenceEqual(last))
            {
                failures.Add($"#{i}: {responses} responses: {text[..Math.Min(text.Length, 300)]}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count}/12 pipelined connections were not answered in full, in order, by n3:\n{string.Join('\n', failures)}");
        Assert.True(handedOver > 0, "none of 12 connections was handed over");
    }

    [RootFact]
    public async Task ClientResetsMidHandover_LaterConnectionsStillServed()
    {
        var t = cluster.Testbed;
        var body = SampleContent.Upload(256 << 10);
        var head = Encoding.ASCII.GetBytes($"POST /api/echo HTTP/1.1\r\nHost: vip\r\nContent-Length: {body.Length}\r\n\r\n");
        foreach (var delayMs in new[] { 0, 0, 1, 1, 2, 3, 5, 8, 13, 20 })
        {
            using var socket = await RawClient.ConnectSocketAsync(t, TimeSpan.FromSeconds(5));
            await socket.SendAsync(head.Concat(body.Take(20_000)).ToArray(), SocketFlags.None);
            await Task.Delay(delayMs);
            socket.LingerState = new LingerOption(true, 0); // close sends RST
            socket.Close();
        }

        var expected = $"{Convert.ToHexStringLower(SHA256.HashData(body))} {body.Length}\n";
        for (var i = 0; i < 9; i++)
        {
            var reply = await UploadInPiecesAsync(t, body, 16384, 0, headWithFirstPiece: true);
            Assert.True(reply.StartsWith("HTTP/1.1 200", StringComparison.Ordinal) && reply.EndsWith(expected, StringComparison.Ordinal),
                $"upload #{i} after the resets: {reply[..Math.Min(reply.Length, 200)]}\n{cluster.Logs()}");
        }
    }

    private static async Task<string> UploadInPiecesAsync(Testbed.Testbed t, byte[] body, int chunk, int pauseMs, bool headWithFirstPiece)
    {
        using var raw = await RawClient.ConnectAsync(t, TimeSpan.FromSeconds(5));
        using var cts = new CancellationTokenSource(Bound);
        var head = Encoding.ASCII.GetBytes($"POST /api/echo HTTP/1.1\r\nHost: vip\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        var offset = headWithFirstPiece ? Math.Min(chunk, body.Length) : 0;
        await raw.SendAsync(head.Concat(body.Take(offset)).ToArray(), cts.Token);
        for (; offset < body.Length; offset += chunk)
        {
            if (pauseMs > 0)
            {
                await Task.Delay(pauseMs, cts.Token);
            }
            await raw.SendAsync(body.AsMemory(offset, Math.Min(chunk, body.Length - offset)), cts.Token);
        }
        return Encoding.Latin1.GetString(await raw.ReadToEndAsync(Bound));
    }
}

[Collection(ClusterCollection.Name)]
public sealed class InFlightRequestTestsRepair(ClusterFixture cluster) : InFlightRequestTests(cluster);

[Collection(SpliceClusterCollection.Name)]
public sealed class InFlightRequestTestsSplice(SpliceClusterFixture cluster) : InFlightRequestTests(cluster);
