using System.Collections.Concurrent;
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
/// The origin's client end of the control channel: one persistent gRPC channel per peer over mutual TLS,
/// each behind its own Polly pipeline (circuit breaker, then timeout). Handover requests are never retried:
/// when the answer is lost, <see cref="HandOverAsync"/> asks the target whether it applied the handover.
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
    private readonly ConcurrentDictionary<string, DtsControl.DtsControlClient> _clients = new();
    private readonly ConcurrentBag<GrpcChannel> _channels = [];
    private readonly ResiliencePipelineRegistry<string> _pipelines = new();

    public ControlChannel(IOptions<DtsOptions> options, ControlCertificates certificates, ILogger<ControlChannel> logger)
    {
        _options = options.Value;
        _certificates = certificates;
        _logger = logger;
    }

    /// <summary>What the target said, or what the origin could find out.</summary>
    public readonly record struct Answer(bool Applied, string Reason)
    {
        /// <summary>Building the request message from the offer.</summary>
        public TimeSpan Serialise { get; init; }

        /// <summary>Writing the request to the channel.</summary>
        public TimeSpan Send { get; init; }

        /// <summary>From the write done to the answer read.</summary>
        public TimeSpan Wait { get; init; }

        /// <summary>The target's own time for the request (read to reply), µs, as it reported; 0 when unknown.</summary>
        public double TargetUs { get; init; }
    }

    /// <summary>
    /// Sends <paramref name="offer"/> to node <paramref name="peer"/>. Applied = true only when the target
    /// answered OK, or said after a lost answer that it had applied the handover.
    /// </summary>
    public async Task<Answer> HandOverAsync(string peer, HandoverOffer offer, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var request = HandoverMessages.ToRequest(offer);
        var serialised = System.Diagnostics.Stopwatch.GetTimestamp();
        var client = ClientFor(peer);
        var pipeline = PipelineFor(peer);
        try
        {
            var reply = await pipeline.ExecuteAsync(
                async ct => await client.HandOverAsync(request, cancellationToken: ct).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            return new Answer(reply.Accepted, reply.Reason)
            {
                Serialise = System.Diagnostics.Stopwatch.GetElapsedTime(started, serialised),
                Wait = System.Diagnostics.Stopwatch.GetElapsedTime(serialised),
            };
        }
        catch (BrokenCircuitException)
        {
            return new Answer(false, $"circuit to {peer} is open");
        }
        catch (Exception ex) when (ex is TimeoutRejectedException or RpcException or HttpRequestException)
        {
            // The request may or may not have been applied: ask, once, and believe the answer.
            Log.AnswerLost(_logger, request.HandoverId, peer, ex.Message);
            try
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                cts.CancelAfter(_options.HandoverTimeout);
                var cancel = await client.CancelAsync(
                    new CancelRequest { HandoverId = request.HandoverId }, cancellationToken: cts.Token).ConfigureAwait(false);
                return new Answer(cancel.WasApplied, cancel.WasApplied ? "" : "timed out, cancelled: " + ex.Message);
            }
            catch (Exception cancelError) when (cancelError is RpcException or OperationCanceledException or HttpRequestException)
            {
                // The target is unreachable: whatever it did, it can't be serving the connection.
                return new Answer(false, $"{peer} unreachable: {ex.Message}");
            }
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
                    var started = System.Diagnostics.Stopwatch.GetTimestamp();
                    // A ping waits for the channel to be ready (within its deadline); handovers fail fast instead.
                    var call = new CallOptions(deadline: DateTime.UtcNow + _options.HandoverTimeout, cancellationToken: cancellationToken).WithWaitForReady();
                    var reply = await ClientFor(node.Id).PingAsync(new PingRequest { FromNode = _options.NodeId }, call).ConfigureAwait(false);
                    best = Math.Min(best, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                    mechanism = reply.Mechanism;
                }
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
            var answer = await ClientFor(peer).ProbeMembershipAsync(
                new MembershipProbe { FromNode = _options.NodeId }, deadline: DateTime.UtcNow + timeout, cancellationToken: cts.Token).ConfigureAwait(false);
            return new Membership.PeerStoreContact(
                answer.StoreContactAgeMs < 0 ? null : TimeSpan.FromMilliseconds(answer.StoreContactAgeMs), answer.Renewing, answer.Fenced);
        }
        catch (Exception ex) when (ex is RpcException or HttpRequestException or OperationCanceledException)
        {
            return null;
        }
    }

    private DtsControl.DtsControlClient ClientFor(string peer) => _clients.GetOrAdd(peer, id =>
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
        _channels.Add(channel);
        return new DtsControl.DtsControlClient(channel);
    });

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
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
        _pipelines.Dispose();
    }
}
