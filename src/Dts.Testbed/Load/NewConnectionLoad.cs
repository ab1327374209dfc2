using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Dts.Testbed.Load;

/// <summary>
/// A load generator for failure drills: <c>workers</c> clients in the testbed's client namespace, each sending
/// <c>GET path</c> to the VIP on a new connection per request (<c>Connection: close</c>, so every request opens a
/// connection whose SYN the bucket table judges), one after another, until stopped or <c>maxRequests</c> were
/// made. Every request is recorded (<see cref="LoadSample"/>). The connect timeout stays under Linux's initial SYN
/// retransmission timeout (1 s, RFC 6298 §2.1) so an unanswered SYN counts as a failure instead of a slow success.
/// </summary>
public sealed class NewConnectionLoad : IAsyncDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>When the load started (UTC): add a <see cref="LoadSample.Start"/> to it to compare with node logs.</summary>
    public DateTime StartedUtc { get; } = DateTime.UtcNow;
    private readonly List<LoadSample> _samples = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private readonly IReadOnlyList<int>? _clientPorts;
    private long _remaining;
    private long _nextPort = -1;

    private NewConnectionLoad(
        Testbed testbed, Uri uri, int workers, TimeSpan connectTimeout, TimeSpan requestTimeout, long maxRequests, IReadOnlyList<int>? clientPorts)
    {
        _remaining = maxRequests;
        _clientPorts = clientPorts;
        // One client per worker: a connection is then always the worker's own, and so is the port recorded.
        _workers = [.. Enumerable.Range(0, workers).Select(_ => Task.Run(() => RunAsync(testbed, uri, connectTimeout, requestTimeout)))];
    }

    /// <summary>Starts the load.</summary>
    /// <param name="testbed">The testbed whose client namespace sends the requests.</param>
    /// <param name="path">The path on the VIP, e.g. <c>/whoami</c>.</param>
    /// <param name="workers">Concurrent clients (1–64).</param>
    /// <param name="connectTimeout">Connect timeout (default 500 ms).</param>
    /// <param name="requestTimeout">Whole-request timeout (default 2 s).</param>
    /// <param name="maxRequests">Requests after which the load stops by itself (default 100,000: every loop is bounded).</param>
    /// <param name="clientPorts">
    /// Client ports to connect from, in turn (to aim at chosen buckets; below 32768 so that no kernel-chosen port
    /// collides); null (default): the kernel picks each port.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="workers"/> is outside 1–64.</exception>
    /// <exception cref="ArgumentException"><paramref name="clientPorts"/> is empty.</exception>
    public static NewConnectionLoad Start(
        Testbed testbed, string path, int workers = 4, TimeSpan? connectTimeout = null, TimeSpan? requestTimeout = null, long maxRequests = 100_000,
        IReadOnlyList<int>? clientPorts = null)
    {
        ArgumentNullException.ThrowIfNull(testbed);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(workers, 64);
        if (clientPorts is { Count: 0 })
        {
            throw new ArgumentException("No client port to connect from.", nameof(clientPorts));
        }
        var uri = new Uri($"http://{testbed.Vip}:{testbed.Port}{path}");
        return new NewConnectionLoad(testbed, uri, workers,
            connectTimeout ?? TimeSpan.FromMilliseconds(500), requestTimeout ?? TimeSpan.FromSeconds(2), maxRequests, clientPorts);
    }

    /// <summary>Time since the load started (the clock of <see cref="LoadSample.Start"/>).</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>The requests finished so far, in the order they finished.</summary>
    public IReadOnlyList<LoadSample> Samples()
    {
        lock (_lock)
        {
            return [.. _samples];
        }
    }

    /// <summary>Stops the workers (a request in flight is abandoned, not recorded) and returns every finished request.</summary>
    public async Task<IReadOnlyList<LoadSample>> StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_workers).ConfigureAwait(false);
        return Samples();
    }

    /// <summary>Stops the load.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync(Testbed testbed, Uri uri, TimeSpan connectTimeout, TimeSpan requestTimeout)
    {
        var clientPort = new StrongBox<int>();
        var connected = new StrongBox<bool>();
        using var http = CreateClient(testbed, connectTimeout, requestTimeout, clientPort, connected);
        while (!_stop.IsCancellationRequested && Interlocked.Decrement(ref _remaining) >= 0)
        {
            var start = _clock.Elapsed;
            clientPort.Value = 0;
            connected.Value = false;
            LoadSample sample;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.ConnectionClose = true;
                using var response = await http.SendAsync(request, _stop.Token).ConfigureAwait(false);
                await response.Content.ReadAsByteArrayAsync(_stop.Token).ConfigureAwait(false);
                var node = response.Headers.TryGetValues("X-Dts-Node", out var v) ? v.FirstOrDefault() : null;
                sample = new LoadSample(start, _clock.Elapsed, clientPort.Value, response.IsSuccessStatusCode, (int)response.StatusCode, node,
                    response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}");
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
            {
                sample = new LoadSample(start, _clock.Elapsed, clientPort.Value, false, 0, null,
                    (connected.Value ? "connected; " : "not connected; ") + Describe(ex));
            }
            lock (_lock)
            {
                _samples.Add(sample);
            }
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        OperationCanceledException => "timed out",
        HttpRequestException { InnerException: SocketException s } => s.SocketErrorCode.ToString(),
        HttpRequestException { InnerException: OperationCanceledException } => "connect timed out",
        _ => ex.GetBaseException().Message,
    };

    [SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The HttpClient owns the handler and disposes it.")]
    private HttpClient CreateClient(Testbed testbed, TimeSpan connectTimeout, TimeSpan requestTimeout, StrongBox<int> clientPort, StrongBox<bool> connected)
    {
        string ns = testbed.ClientNamespace;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectTimeout = connectTimeout,
            PooledConnectionLifetime = TimeSpan.Zero,
            ConnectCallback = async (context, ct) =>
            {
                var socket = testbed.CreateSocket(ns, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.NoDelay = true;
                    if (_clientPorts is not null)
                    {
                        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                    }
                    socket.Bind(new IPEndPoint(IPAddress.Any, _clientPorts is null ? 0 : _clientPorts[(int)(Interlocked.Increment(ref _nextPort) % _clientPorts.Count)]));
                    clientPort.Value = ((IPEndPoint)socket.LocalEndPoint!).Port;
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port), ct).ConfigureAwait(false);
                    connected.Value = true;
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { Timeout = requestTimeout };
    }
}
