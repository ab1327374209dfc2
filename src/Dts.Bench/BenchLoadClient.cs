using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Dts.Bench;

/// <summary>
/// The load client: HTTP/1.1 with <see cref="SocketsHttpHandler"/> (no hand-parsed HTTP) whose connections are
/// sockets of the client namespace bound to source ports of the mode's <see cref="BenchPortPool"/>, so the client
/// chooses which node owns each connection. A fixed number of workers send requests back to back until the cell's
/// time is up; every body is checked (1 KiB byte for byte, downloads and uploads by SHA-256) and every response must
/// have taken the mode's path through the cluster. Each request's latency and time to first byte start before
/// <see cref="HttpClient.SendAsync(HttpRequestMessage, HttpCompletionOption, CancellationToken)"/>: with a new connection
/// per request (w0, w1, w3, w4) the pool holds no idle connection, so that is the start of the connect.
/// </summary>
internal static class BenchLoadClient
{
    private static readonly TimeSpan SmallRequestTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan TransferTimeout = TimeSpan.FromSeconds(60);
    private const int MaxPortAttempts = 16;

    /// <summary>Runs one cell for <paramref name="duration"/> (at least one request per worker) and returns what it measured.</summary>
    public static async Task<BenchSample> RunCellAsync(
        BenchEndpoint endpoint, BenchWorkload workload, BenchOptions options, BenchPayloads payloads, TimeSpan duration, CancellationToken cancellationToken)
    {
        int concurrency = options.ConcurrencyOf(workload);
        var sample = new BenchSample();
        using var handler = CreateHandler(endpoint, concurrency, sample);
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var uri = new Uri(endpoint.BaseUri + endpoint.Prefix + workload switch
        {
            BenchWorkload.W0 or BenchWorkload.W1 or BenchWorkload.W2 => $"/bytes/{options.SmallResponseBytes}",
            BenchWorkload.W3 => $"/bytes/{options.DownloadBytes}",
            _ => "/echo",
        });

        if (workload == BenchWorkload.W2)
        {
            // The first request of each keep-alive connection (the one that is handed over) is not measured.
            var opening = new BenchSample();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => OneAsync(http, uri, endpoint, workload, payloads, opening, cancellationToken))).ConfigureAwait(false);
            foreach (string e in opening.ErrorDescriptions)
            {
                sample.AddError("first request: " + e);
            }
        }

        double originCpu = endpoint.Cluster.OriginCpuSeconds();
        double targetCpu = endpoint.Cluster.TargetCpuSeconds();
        long started = Stopwatch.GetTimestamp();
        long lastCompletion = started;
        async Task WorkerAsync()
        {
            do
            {
                await OneAsync(http, uri, endpoint, workload, payloads, sample, cancellationToken).ConfigureAwait(false);
                long now = Stopwatch.GetTimestamp();
                long seen;
                while ((seen = Interlocked.Read(ref lastCompletion)) < now && Interlocked.CompareExchange(ref lastCompletion, now, seen) != seen)
                {
                }
            }
            while (Stopwatch.GetElapsedTime(started) < duration);
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkerAsync, cancellationToken))).ConfigureAwait(false);
        sample.Elapsed = Stopwatch.GetElapsedTime(started, Interlocked.Read(ref lastCompletion));
        sample.OriginCpuSeconds = endpoint.Cluster.OriginCpuSeconds() - originCpu;
        sample.TargetCpuSeconds = endpoint.Cluster.TargetCpuSeconds() - targetCpu;
        return sample;
    }

    private static async Task OneAsync(
        HttpClient http, Uri uri, BenchEndpoint endpoint, BenchWorkload workload, BenchPayloads payloads, BenchSample sample, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(workload.IsTransfer() ? TransferTimeout : SmallRequestTimeout);
        var ct = timeout.Token;
        long started = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(workload == BenchWorkload.W4 ? HttpMethod.Post : HttpMethod.Get, uri);
            request.Headers.ConnectionClose = workload.IsNewConnectionPerRequest();
            if (workload == BenchWorkload.W4)
            {
                request.Content = new ByteArrayContent(payloads.Upload);
                // As curl does for large bodies (RFC 9110 §10.1.1): the head first, so the origin dispatches on
                // it alone; without it the origin may have read more than Dts:MaxRecordedBytes and proxies.
                request.Headers.ExpectContinue = true;
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            double ttfbUs = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            string? problem = response.StatusCode == HttpStatusCode.OK ? null : $"HTTP {(int)response.StatusCode}";
            long bytes = 0;
            if (problem is null)
            {
                (problem, bytes) = workload switch
                {
                    BenchWorkload.W3 => await CheckDownloadAsync(response, payloads, ct).ConfigureAwait(false),
                    BenchWorkload.W4 => CheckEcho(await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false), payloads),
                    _ => CheckSmall(await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false), payloads),
                };
            }

            double us = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            if (problem is not null)
            {
                sample.AddError($"{request.Method} {uri.PathAndQuery}: {problem}");
                return;
            }

            string? path = endpoint.CheckPath(
                response.Headers.TryGetValues("X-Dts-Node", out var node) ? node : [],
                response.Headers.TryGetValues("X-Dts-Origin", out var origin) ? origin.FirstOrDefault() : null);
            if (path is not null)
            {
                sample.AddError($"{request.Method} {uri.PathAndQuery}: {path}", wrongPath: true);
                return;
            }

            sample.AddSuccess(us, ttfbUs, bytes);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is HttpRequestException or IOException or OperationCanceledException or SocketException)
        {
            string what = ex is OperationCanceledException ? $"timed out after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s" : Describe(ex);
            sample.AddError($"{uri.PathAndQuery}: {what}");
        }
    }

    private static (string? Problem, long Bytes) CheckSmall(byte[] body, BenchPayloads payloads) =>
        body.AsSpan().SequenceEqual(payloads.Small) ? (null, body.Length) : ($"{body.Length}-byte body differs from the expected {payloads.Small.Length} bytes", 0);

    private static (string? Problem, long Bytes) CheckEcho(byte[] answer, BenchPayloads payloads)
    {
        string text = BenchPayloads.Normalize(answer);
        return text == payloads.EchoLine ? (null, payloads.Upload.Length) : ($"echo answered '{text}', expected '{payloads.EchoLine}'", 0);
    }

    private static async Task<(string? Problem, long Bytes)> CheckDownloadAsync(HttpResponseMessage response, BenchPayloads payloads, CancellationToken ct)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[256 * 1024];
        long length = 0;
        var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                length += read;
            }
        }

        string hash = Convert.ToHexStringLower(sha.GetHashAndReset());
        return length == payloads.DownloadBytes && hash == payloads.DownloadSha256
            ? (null, length)
            : ($"{length} bytes with sha256 {hash}, expected {payloads.DownloadBytes} with {payloads.DownloadSha256}", 0);
    }

    private static SocketsHttpHandler CreateHandler(BenchEndpoint endpoint, int concurrency, BenchSample sample) => new()
    {
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        MaxConnectionsPerServer = concurrency,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        ConnectTimeout = SmallRequestTimeout,
        ConnectCallback = (context, ct) => ConnectAsync(endpoint, context, sample, ct),
    };

    private static async ValueTask<Stream> ConnectAsync(BenchEndpoint endpoint, SocketsHttpConnectionContext context, BenchSample sample, CancellationToken ct)
    {
        var remote = new IPEndPoint(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port);
        for (int attempt = 1; ; attempt++)
        {
            var socket = await endpoint.Cluster.Sockets.TakeAsync(ct).ConfigureAwait(false);
            try
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.NoDelay = true;
                socket.Bind(endpoint.Ports.Next());
                await socket.ConnectAsync(remote, ct).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex) when (attempt < MaxPortAttempts && ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AddressNotAvailable)
            {
                // The port's previous connection is still around on this side (a keep-alive connection of another
                // cell, or TIME_WAIT): the next port of the pool has the same owner.
                socket.Dispose();
                Interlocked.Increment(ref sample.PortRetries);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    private static string Describe(Exception ex)
    {
        var parts = new List<string>();
        for (var e = ex; e is not null; e = e.InnerException)
        {
            parts.Add($"{e.GetType().Name}: {e.Message}");
        }

        return string.Join(" ← ", parts);
    }
}
