using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Dts.AspNetCore.Handover;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Timeout;

namespace Dts.AspNetCore.Control;

/// <summary>
/// The origin's client end of the control channel: one persistent gRPC channel per peer over mutual TLS, and on it
/// one long-lived handover stream (<see cref="HandoverStream"/>): a handover is one message each way on an open
/// HTTP/2 stream, not a stream set-up per handover. Each handover's wait for its answer runs in the peer's Polly
/// pipeline (circuit breaker, then timeout). Handover requests are never retried: when the answer is lost (a
/// timeout, or the stream broke), <see cref="HandOverAsync"/> asks the target whether it applied the handover.
/// </summary>
internal sealed partial class ControlChannel : IDisposable
{
    /// <summary>
    /// The largest control message, both ways and on both ends (client and server). A handover carries the
    /// unconsumed stream (up to <c>Dts:MaxRecordedBytes</c> plus the kernel's receive queue, which autotuning
    /// grows to tcp_rmem[2], 6 MiB by default): gRPC's default 4 MB refused such handovers.
    /// </summary>
    internal const int MaxMessageSize = 64 << 20;

    private readonly DtsOptions _options;
    private readonly ControlCertificates _certificates;
    private readonly ILogger<ControlChannel> _logger;
    private readonly ConcurrentDictionary<string, ControlPeer> _peers = new();
    private readonly ResiliencePipelineRegistry<string> _pipelines = new();

    public ControlChannel(IOptions<DtsOptions> options, ControlCertificates certificates, ILogger<ControlChannel> logger)
    {
        _options = options.Value;
        _certificates = certificates;
        _logger = logger;
    }

    /// <summary>What the target said, or what the origin could find out, and where the time went.</summary>
    /// <param name="Applied">True only when the target answered OK, or said after a lost answer that it had applied the handover.</param>
    /// <param name="Reason">Why not; empty when applied.</param>
    public readonly record struct Answer(bool Applied, string Reason)
    {
        /// <summary>Building the request's protobuf message from the offer.</summary>
        public TimeSpan Serialise { get; init; }

        /// <summary>Writing the request to the peer's stream (including the wait for another handover's write).</summary>
        public TimeSpan Send { get; init; }

        /// <summary>From the write's end to the answer (the reply, or the Cancel query's answer when the reply was lost).</summary>
        public TimeSpan Wait { get; init; }

        /// <summary>The target's own time from reading the request to writing its reply, µs; 0 when no reply came.</summary>
        public uint TargetUs { get; init; }
    }

    /// <summary>
    /// Sends <paramref name="offer"/> to node <paramref name="peer"/> on the peer's handover stream. Applied = true only
    /// when the target answered OK, or said after a lost answer (a timeout, or the stream broke) that it had applied
    /// the handover.
    /// </summary>
    public async Task<Answer> HandOverAsync(string peer, HandoverOffer offer, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var request = HandoverMessages.ToRequest(offer);
        var serialised = Stopwatch.GetTimestamp();
        var control = PeerFor(peer);
        var handover = new PendingHandover(request, control);
        try
        {
            var reply = await handover.SendAsync(control.Pipeline, cancellationToken).ConfigureAwait(false);
            return new Answer(reply.Accepted, reply.Reason)
            {
                Serialise = Stopwatch.GetElapsedTime(started, serialised),
                Send = Stopwatch.GetElapsedTime(serialised, handover.Written),
                Wait = Stopwatch.GetElapsedTime(handover.Written),
                TargetUs = reply.TargetUs,
            };
        }
        catch (BrokenCircuitException)
        {
            return new Answer(false, $"circuit to {peer} is open") { Serialise = Stopwatch.GetElapsedTime(started, serialised) };
        }
        catch (Exception ex) when (ex is TimeoutRejectedException or RpcException or HttpRequestException)
        {
            // The request may or may not have been applied: ask, once, and believe the answer.
            Log.AnswerLost(_logger, request.HandoverId, peer, ex.Message);
            var answer = await AskCancelAsync(control, request.HandoverId, ex.Message, cancellationToken).ConfigureAwait(false);
            var written = handover.Written; // 0: the request was never written
            return answer with
            {
                Serialise = Stopwatch.GetElapsedTime(started, serialised),
                Send = written != 0 ? Stopwatch.GetElapsedTime(serialised, written) : TimeSpan.Zero,
                Wait = written != 0 ? Stopwatch.GetElapsedTime(written) : TimeSpan.Zero,
            };
        }
    }

    private async Task<Answer> AskCancelAsync(ControlPeer control, string handoverId, string error, CancellationToken cancellationToken)
    {
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(_options.HandoverTimeout);
            var cancel = await control.Client.CancelAsync(
                new CancelRequest { HandoverId = handoverId }, cancellationToken: cts.Token).ConfigureAwait(false);
            return new Answer(cancel.WasApplied, cancel.WasApplied ? "" : "answer lost, cancelled: " + error);
        }
        catch (Exception cancelError) when (cancelError is RpcException or OperationCanceledException or HttpRequestException)
        {
            // The target is unreachable: whatever it did, it can't be serving the connection.
            return new Answer(false, $"{control.Node} unreachable: {error}");
        }
    }

    /// <summary>One peer's reachability over the control channel: its answer and the round trip in µs.</summary>
    public readonly record struct PeerStatus(string Node, bool Reachable, double RoundTripUs, string? Mechanism, string? Error);

    /// <summary>
    /// Pings every other node (three times, keeping the fastest round trip). Called at start to open the
    /// persistent mTLS connections before the first handover, and by <c>GET /dts/peers</c>.
    /// </summary>
    public async Task<IReadOnlyList<PeerStatus>> PingPeersAsync(CancellationToken cancellationToken)
    {
        var peers = _options.Nodes.Where(n => n.Id != _options.NodeId).Select(async node =>
        {
            double best = double.MaxValue;
            string? mechanism = null;
            try
            {
                for (var i = 0; i < 3; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    // A ping waits for the channel to be ready (within its deadline); handovers fail fast instead.
                    var call = new CallOptions(deadline: DateTime.UtcNow + _options.HandoverTimeout, cancellationToken: cancellationToken).WithWaitForReady();
                    var reply = await PeerFor(node.Id).Client.PingAsync(new PingRequest { FromNode = _options.NodeId }, call).ConfigureAwait(false);
                    best = Math.Min(best, Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                    mechanism = reply.Mechanism;
                }
                // The peer answers: open its handover stream now (a no-op while one is open), not at the first handover.
                _ = PeerFor(node.Id).Stream();
                return new PeerStatus(node.Id, true, best, mechanism, null);
            }
            catch (Exception ex) when (ex is RpcException or HttpRequestException or OperationCanceledException)
            {
                return new PeerStatus(node.Id, false, 0, null, ex.Message);
            }
        });
        return await Task.WhenAll(peers).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks <paramref name="peer"/> about its membership-store contact (<c>ProbeMembership</c>), within
    /// <paramref name="timeout"/>, directly (not through the peer's circuit breaker). Null when the peer
    /// did not answer in time: the caller (fencing) then assumes it may have contact.
    /// </summary>
    public async Task<Membership.PeerStoreContact?> ProbeMembershipAsync(string peer, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            // Not through the peer's pipeline: a circuit opened by failed handovers (a peer restarting, say) must not
            // turn a peer that answers into "did not answer" — that would fence this node for nothing.
            var answer = await PeerFor(peer).Client.ProbeMembershipAsync(
                new MembershipProbe { FromNode = _options.NodeId }, deadline: DateTime.UtcNow + timeout, cancellationToken: cts.Token).ConfigureAwait(false);
            return new Membership.PeerStoreContact(
                answer.StoreContactAgeMs < 0 ? null : TimeSpan.FromMilliseconds(answer.StoreContactAgeMs), answer.Renewing, answer.Fenced);
        }
        catch (Exception ex) when (ex is RpcException or HttpRequestException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>How many handover streams were opened to <paramref name="peer"/> so far (tests).</summary>
    internal int StreamsOpened(string peer) => _peers.TryGetValue(peer, out var control) ? control.StreamsOpened : 0;

    /// <summary>True while the handover stream to <paramref name="peer"/> is open and not known to be broken (tests).</summary>
    internal bool HasOpenStream(string peer) => _peers.TryGetValue(peer, out var control) && control.HasOpenStream;

    private ControlPeer PeerFor(string peer)
    {
        if (_peers.TryGetValue(peer, out var control))
        {
            return control;
        }
        lock (_peers)
        {
            // Under the lock: GetOrAdd alone may run the factory twice, and the loser's channel would leak.
            return _peers.GetOrAdd(peer, CreatePeer);
        }
    }

    [SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The channel owns the handler (DisposeHttpClient) and the peer owns the channel; the peers are disposed with this.")]
    private ControlPeer CreatePeer(string id)
    {
        var node = _options.Find(id) ?? throw new InvalidOperationException($"Unknown node '{id}'.");
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = _options.HandoverTimeout,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            EnableMultipleHttp2Connections = true,
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = new X509CertificateCollection { _certificates.NodeCertificate },
                RemoteCertificateValidationCallback = (_, certificate, _, _) => _certificates.IsClusterPeer(certificate),
            },
        };
        var channel = GrpcChannel.ForAddress(
            $"https://{node.Address}:{_options.ControlPort}",
            new GrpcChannelOptions
            {
                HttpHandler = handler,
                DisposeHttpClient = true,
                MaxReceiveMessageSize = MaxMessageSize,
                MaxSendMessageSize = MaxMessageSize,
                // A peer that was down (or not up yet) is retried within a second, not after gRPC's default
                // backoff of up to 120 s, during which every call would fail at once.
                InitialReconnectBackoff = TimeSpan.FromMilliseconds(100),
                MaxReconnectBackoff = TimeSpan.FromSeconds(1),
            });
        return new ControlPeer(id, channel, PipelineFor(id));
    }

    private ResiliencePipeline PipelineFor(string peer) => _pipelines.GetOrAddPipeline(peer, builder => builder
        .AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            FailureRatio = 0.5,
            MinimumThroughput = 4,
            SamplingDuration = TimeSpan.FromSeconds(10),
            BreakDuration = TimeSpan.FromSeconds(5),
            ShouldHandle = new PredicateBuilder().Handle<RpcException>().Handle<TimeoutRejectedException>().Handle<HttpRequestException>(),
        })
        .AddTimeout(_options.HandoverTimeout));

    public void Dispose()
    {
        foreach (var control in _peers.Values)
        {
            control.Dispose();
        }
        _pipelines.Dispose();
    }
}
