using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Dts.Core.Handover;
using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests.Adversarial;

/// <summary>A Splice testbed whose <c>/api</c> route (n3) falls back to Local: the origin serves what it failed to hand over.</summary>
public sealed class SpliceLocalFallbackFixture : ClusterFixture
{
    public override HandoverMechanism Mechanism => HandoverMechanism.Splice;

    // As LocalFallbackFixture: a frozen target that is still a member.
    protected override Dts.Testbed.TestbedMembership Membership => Dts.Testbed.TestbedMembership.Static;

    protected override IReadOnlyDictionary<string, string> NodeSettings { get; } = new Dictionary<string, string>
    {
        ["ReverseProxy:Routes:api:Metadata:Dts.Fallback"] = "Local",
    };
}

[CollectionDefinition(Name)]
public sealed class SpliceLocalFallbackCollection : ICollectionFixture<SpliceLocalFallbackFixture>
{
    public const string Name = "adversarial: frozen target, Local fallback (Splice)";
}

/// <summary>
/// The origin checkpoints a live socket (the VIP listener's anchor, <c>TcpRepair.CheckpointLive</c>): a handover that
/// fails after the checkpoint (the target SIGSTOPped: still a member, silent) must leave the connection whole both
/// ways — every byte of an upload that streams in at full speed meanwhile, then a large download on the same
/// connection. Connections come from client ports n1 and n2 own (n3's own kernel would queue the rest while it is frozen).
/// </summary>
public abstract class LiveCheckpointFrozenTargetTests(ClusterFixture cluster)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [RootFact]
    public async Task TargetFrozen_FullSpeedUploadsWithoutExpect1KiBTo16MiB_OriginEchoesEveryByte()
    {
        var t = cluster.Testbed;
        int[] sizes = [1 << 10, 1 << 16, 1 << 20, 1 << 24];
        var ports = TargetN3.PortsNotOwned(cluster, 40_000, sizes.Length * 2);
        var failuresBefore = await cluster.SumAsync("handoverFailures");

        var replies = await TargetN3.WhileFrozenAsync(cluster, 48_000, () => Task.WhenAll(ports.Select(async (port, i) =>
        {
            var body = SampleContent.Upload(sizes[i % sizes.Length]);
            var expected = $"{Convert.ToHexStringLower(SHA256.HashData(body))} {body.Length}\n";
            using var raw = await RawClient.ConnectAsync(t, TimeSpan.FromSeconds(5), port);
            using var cts = new CancellationTokenSource(Bound);
            var head = Encoding.ASCII.GetBytes($"POST /api/echo HTTP/1.1\r\nHost: vip\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
            await raw.SendAsync(head.Concat(body).ToArray(), cts.Token);
            return (Port: port, Size: body.Length, Expected: expected, Reply: Encoding.Latin1.GetString(await raw.ReadToEndAsync(Bound)));
        })));

        var wrong = replies.Where(r => !r.Reply.StartsWith("HTTP/1.1 200", StringComparison.Ordinal)
            || KeepAliveClient.Header(r.Reply, "X-Dts-Node") != t.NodeId(t.OwnerIndex(r.Port) + 1)
            || !r.Reply.EndsWith(r.Expected, StringComparison.Ordinal)).ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count}/{replies.Length} uploads not echoed intact by their origin:\n"
            + string.Join('\n', wrong.Select(r => $"port {r.Port}, {r.Size} bytes: {r.Reply[..Math.Min(r.Reply.Length, 200)]}")) + "\n" + cluster.Logs());
        var failures = await cluster.SumAsync("handoverFailures") - failuresBefore;
        // At least one: n3 may have left the membership (its lease expired) before a later upload's head was dispatched,
        // and a 16 MiB upload may outgrow what a handover can carry (not eligible); the origin serves those at once.
        Assert.True(failures > 0, $"the origins did not try (and fail) to hand over any of the {ports.Length} uploads\n" + cluster.Logs());
    }

    [RootFact]
    public async Task TargetFrozen_KeepAliveConnection_OriginServesTheUploadThenA16MiBDownloadOnIt()
    {
        var t = cluster.Testbed;
        const long download = 16 << 20;
        var ports = TargetN3.PortsNotOwned(cluster, 44_000, 4);
        var body = SampleContent.Upload(256 << 10);
        var expectedEcho = $"{Convert.ToHexStringLower(SHA256.HashData(body))} {body.Length}\n";

        var results = await TargetN3.WhileFrozenAsync(cluster, 48_000, () => Task.WhenAll(ports.Select(async port =>
        {
            using var socket = await RawClient.ConnectSocketAsync(t, TimeSpan.FromSeconds(5), port);
            using var client = new KeepAliveClientOver(socket);
            using var cts = new CancellationTokenSource(Bound);
            var head = Encoding.ASCII.GetBytes($"POST /api/echo HTTP/1.1\r\nHost: vip\r\nContent-Length: {body.Length}\r\n\r\n");
            await socket.SendAsync(head.Concat(body).ToArray(), SocketFlags.None, cts.Token);
            var echo = await client.ReadResponseAsync(cts.Token);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /api/bytes/{download} HTTP/1.1\r\nHost: vip\r\nConnection: close\r\n\r\n"), SocketFlags.None, cts.Token);
            var watch = Stopwatch.StartNew();
            var bytes = await client.ReadResponseAsync(cts.Token);
            return (Port: port, Echo: echo, Download: bytes, Elapsed: watch.Elapsed);
        })));

        var expectedDownload = SampleContent.Sha256Hex(download);
        var owner = (int port) => t.NodeId(t.OwnerIndex(port) + 1);
        var wrong = results.Where(r => r.Echo.Status != 200 || r.Echo.Node != owner(r.Port) || Encoding.ASCII.GetString(r.Echo.Body) != expectedEcho
            || r.Download.Status != 200 || r.Download.Body.Length != download || Convert.ToHexStringLower(SHA256.HashData(r.Download.Body)) != expectedDownload).ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count}/{results.Length} keep-alive connections not served whole by their origin after the failed handover:\n"
            + string.Join('\n', wrong.Select(r => $"port {r.Port}: echo {r.Echo.Status} from {r.Echo.Node} '{Encoding.ASCII.GetString(r.Echo.Body).Trim()}', "
                + $"download {r.Download.Status} {r.Download.Body.Length} bytes in {r.Download.Error ?? "full"} after {r.Elapsed.TotalSeconds:F1} s")) + "\n" + cluster.Logs());
    }
}

[Collection(LocalFallbackCollection.Name)]
public sealed class LiveCheckpointFrozenTargetTestsRepair(LocalFallbackFixture cluster) : LiveCheckpointFrozenTargetTests(cluster);

[Collection(SpliceLocalFallbackCollection.Name)]
public sealed class LiveCheckpointFrozenTargetTestsSplice(SpliceLocalFallbackFixture cluster) : LiveCheckpointFrozenTargetTests(cluster);

/// <summary>
/// The target restores the windows the origin read live (tcp_info's tcpi_snd_wnd and tcpi_rcv_wnd): a client whose
/// receive buffer is a few KiB downloads after the handover, byte-identical and without a stall.
/// </summary>
public abstract class LiveCheckpointWindowTests(ClusterFixture cluster)
{
    [RootFact]
    public async Task SmallClientReceiveBuffer_DownloadAfterHandover_BytesIdenticalWithoutStall()
    {
        var t = cluster.Testbed;
        const long download = 4 << 20;
        await TargetN3.HandingOverAsync(cluster, 58_000);
        var ports = Enumerable.Range(50_000 + Random.Shared.Next(3_000), 1_000).Where(p => t.OwnerIndex(p) != 2).Take(4).ToArray();
        var expected = SampleContent.Sha256Hex(download);

        var results = await Task.WhenAll(ports.Select(async port =>
        {
            using var socket = t.CreateSocket(t.ClientNamespace, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.ReceiveBufferSize = 4096; // before connect: the window scale and the window the client offers follow it
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(t.ClientAddress, port));
            using var connect = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.ConnectAsync(new IPEndPoint(t.Vip, t.Port), connect.Token);
            using var client = new KeepAliveClientOver(socket, readSize: 1024);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var watch = Stopwatch.StartNew();
            await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /api/bytes/{download} HTTP/1.1\r\nHost: vip\r\nConnection: close\r\n\r\n"), SocketFlags.None, cts.Token);
            var response = await client.ReadResponseAsync(cts.Token);
            return (Port: port, Response: response, Elapsed: watch.Elapsed);
        }));

        var wrong = results.Where(r => r.Response.Status != 200 || r.Response.Origin is null || r.Response.Body.Length != download
            || Convert.ToHexStringLower(SHA256.HashData(r.Response.Body)) != expected).ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count}/{results.Length} small-window downloads not handed over and delivered whole:\n"
            + string.Join('\n', wrong.Select(r => $"port {r.Port}: {r.Response.Status} from {r.Response.Node} (origin {r.Response.Origin}), "
                + $"{r.Response.Body.Length} bytes, {r.Response.Error ?? "complete"} after {r.Elapsed.TotalSeconds:F1} s")) + "\n" + cluster.Logs());
    }
    /// <summary>
    /// A client without window scaling (net.ipv4.tcp_window_scaling=0 in its namespace: its SYN has no wscale option)
    /// uploads after the handover: the target must offer windows the client reads unscaled. (Repair restores the socket
    /// with TCPOPT_WINDOW 0/0 since this test found it restoring without, when the rcv_wscale tcp_connect_init chose
    /// stayed: 64..96-byte windows and a stalled upload. Splice refuses some of these handovers: "the injected bytes
    /// were not acknowledged".)
    /// </summary>
    [RootFact]
    public async Task ClientWithoutWindowScaling_UploadAfterHandover_EchoedWithoutStall()
    {
        var t = cluster.Testbed;
        var body = SampleContent.Upload(1 << 20);
        var expected = $"{Convert.ToHexStringLower(SHA256.HashData(body))} {body.Length}\n";
        var ports = Enumerable.Range(53_000 + Random.Shared.Next(3_000), 1_000).Where(p => t.OwnerIndex(p) != 2).Take(4).ToArray();
        await TargetN3.HandingOverAsync(cluster, 58_000);
        await ClientWindowScalingAsync(false);
        try
        {
            var results = await Task.WhenAll(ports.Select(async port =>
            {
                using var socket = await RawClient.ConnectSocketAsync(t, TimeSpan.FromSeconds(5), port);
                using var client = new KeepAliveClientOver(socket);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                var watch = Stopwatch.StartNew();
                var head = Encoding.ASCII.GetBytes($"POST /api/echo HTTP/1.1\r\nHost: vip\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                try
                {
                    // The head alone first, as curl sends it: the handover happens before the body's first window.
                    await socket.SendAsync(head, SocketFlags.None, cts.Token);
                    await Task.Delay(50, cts.Token);
                    await socket.SendAsync(body, SocketFlags.None, cts.Token);
                }
                catch (OperationCanceledException)
                {
                    return (Port: port, Response: new KeepAliveClientOver.Response(0, null, null, [], "upload not accepted within 30 s"), Elapsed: watch.Elapsed);
                }
                return (Port: port, Response: await client.ReadResponseAsync(cts.Token), Elapsed: watch.Elapsed);
            }));

            // Splice refuses some of these handovers ("the injected bytes were not acknowledged", README: Current limits):
            // its uploads must arrive whole, handed over or by the fallback; Repair's are handed over.
            var mustHandOver = cluster.Mechanism == HandoverMechanism.Repair;
            var wrong = results.Where(r => r.Response.Status != 200 || (mustHandOver && r.Response.Origin is null)
                || Encoding.ASCII.GetString(r.Response.Body) != expected).ToList();
            Assert.True(wrong.Count == 0, $"{wrong.Count}/{results.Length} uploads from a client without window scaling not handed over and echoed:\n"
                + string.Join('\n', wrong.Select(r => $"port {r.Port}: {r.Response.Status} from {r.Response.Node} (origin {r.Response.Origin}), "
                    + $"'{Encoding.ASCII.GetString(r.Response.Body).Trim()}', {r.Response.Error ?? "complete"} after {r.Elapsed.TotalSeconds:F1} s")) + "\n" + cluster.Logs());
        }
        finally
        {
            await ClientWindowScalingAsync(true);
        }
    }

    private async Task ClientWindowScalingAsync(bool on)
    {
        var r = await cluster.Testbed.RunInClientAsync("sysctl", ["-w", $"net.ipv4.tcp_window_scaling={(on ? 1 : 0)}"], TimeSpan.FromSeconds(5));
        Assert.True(r.Succeeded, r.StandardError);
    }
}

[Collection(ClusterCollection.Name)]
public sealed class LiveCheckpointWindowTestsRepair(ClusterFixture cluster) : LiveCheckpointWindowTests(cluster);

[Collection(SpliceClusterCollection.Name)]
public sealed class LiveCheckpointWindowTestsSplice(SpliceClusterFixture cluster) : LiveCheckpointWindowTests(cluster);

/// <summary>Reads HTTP/1.1 responses with a Content-Length (or chunked, for small ones) one at a time off a socket it does not own.</summary>
internal sealed class KeepAliveClientOver(Socket socket, int readSize = 65536) : IDisposable
{
    private readonly MemoryStream _pending = new();

    public readonly record struct Response(int Status, string? Node, string? Origin, byte[] Body, string? Error);

    public async Task<Response> ReadResponseAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[readSize];
        string? error = null;
        while (true)
        {
            var parsed = TryParse();
            if (parsed is { } done)
            {
                return done;
            }
            int n;
            try
            {
                n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                error = "timeout";
                break;
            }
            catch (SocketException e)
            {
                error = e.SocketErrorCode.ToString();
                break;
            }
            if (n == 0)
            {
                error = "closed";
                break;
            }
            _pending.Write(buffer, 0, n);
        }
        var all = _pending.ToArray();
        var text = Encoding.Latin1.GetString(all);
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return headEnd < 0
            ? new Response(0, null, null, all, error)
            : new Response(Status(text), KeepAliveClient.Header(text, "X-Dts-Node"), KeepAliveClient.Header(text, "X-Dts-Origin"), all[(headEnd + 4)..], error);
    }

    private Response? TryParse()
    {
        var all = _pending.GetBuffer().AsSpan(0, (int)_pending.Length);
        var headEnd = all.IndexOf("\r\n\r\n"u8);
        if (headEnd < 0)
        {
            return null;
        }
        var head = Encoding.Latin1.GetString(all[..headEnd]);
        byte[] body;
        int consumed;
        if (KeepAliveClient.Header(head + "\r\n\r\n", "Content-Length") is { } lengthText)
        {
            var length = int.Parse(lengthText, CultureInfo.InvariantCulture);
            if (all.Length < headEnd + 4 + length)
            {
                return null;
            }
            body = all.Slice(headEnd + 4, length).ToArray();
            consumed = headEnd + 4 + length;
        }
        else
        {
            var text = Encoding.Latin1.GetString(all);
            var end = text.IndexOf("\r\n0\r\n\r\n", headEnd, StringComparison.Ordinal);
            if (end < 0)
            {
                return null;
            }
            body = Dechunk(text[(headEnd + 4)..(end + 2)]);
            consumed = end + 7;
        }
        var rest = all[consumed..].ToArray();
        _pending.SetLength(0);
        _pending.Write(rest);
        var full = head + "\r\n\r\n";
        return new Response(Status(full), KeepAliveClient.Header(full, "X-Dts-Node"), KeepAliveClient.Header(full, "X-Dts-Origin"), body, null);
    }

    private static int Status(string text) =>
        text.Length >= 12 && int.TryParse(text.AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status) ? status : 0;

    private static byte[] Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (at < chunked.Length)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = int.Parse(chunked.AsSpan(at, lineEnd - at), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            body.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return Encoding.Latin1.GetBytes(body.ToString());
    }

    public void Dispose() => _pending.Dispose();
}
