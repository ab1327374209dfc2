using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Dts.AspNetCore.Membership;

/// <summary>
/// Membership in etcd (<c>Dts:Membership=Etcd</c>, <c>Dts:Etcd</c>), v3 API through dotnet-etcd.
/// <para>
/// Layout: each node holds one lease (TTL <c>Dts:Etcd:LeaseTtl</c>, whole seconds; etcd may grant a longer one, and
/// the granted TTL is the one used) and, under it, the key <c>{Prefix}members/{NodeId}</c> whose value is
/// <see cref="MemberRecord"/> JSON <c>{"state":"Active"|"Draining","applied":"&lt;fingerprint&gt;"|null}</c>. The
/// live members are the keys under <c>{Prefix}members/</c>: a node that dies leaves when its lease expires (within the
/// TTL plus etcd's expiry sweep, 0.5 s), a node that stops revokes its lease and leaves at once. Keys of ids not in
/// <c>Dts:Nodes</c> and values that don't parse are ignored (with a warning).
/// </para>
/// <para>
/// Start (<see cref="StartAsync"/>, which returns once joined): grant the lease, put the member key
/// <c>{"state":"Active","applied":null}</c>, read the prefix, then watch it from the read revision + 1. The lease is
/// renewed by a keepalive every TTL/6 on one stream. Every etcd call has <c>Dts:Etcd:RequestTimeout</c>; failed calls and
/// broken streams are retried by a Polly pipeline (exponential backoff from 100 ms, at most 1 s, with jitter, for as long
/// as the node runs); a watch is re-established from the last seen revision + 1, or, when etcd compacted that
/// revision away, by reading the prefix again. While etcd can't be reached the view stays the last one seen, with
/// <see cref="MembershipView.StoreReachable"/> false (static stability).
/// </para>
/// <para>
/// Fencing (<see cref="MembershipView.Fenced"/>, see <c>EtcdMembership.Fencing.cs</c>): the node must stop answering
/// SYNs before any other node can see its lease expire.
/// </para>
/// </summary>
internal sealed partial class EtcdMembership : IClusterMembership, IHostedService, IDisposable
{
    private readonly DtsOptions _options;
    private readonly DtsEtcdOptions _etcd;
    private readonly IMembershipPeers _peers;
    private readonly TimeProvider _time;
    private readonly ILogger<EtcdMembership> _logger;
    private readonly string _membersPrefix;
    private readonly ByteString _selfKey;
    private readonly HashSet<string> _knownIds;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationToken _stoppingToken;
    private readonly ResiliencePipeline _leaseRetry;
    private readonly ResiliencePipeline _watchRetry;
    private readonly SemaphoreSlim _putGate = new(1, 1);

    // Guarded by _gate.
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, ClusterMember> _members = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ignored = new(StringComparer.Ordinal);
    private long _revision;
    private bool _leaseHealthy = true; // no failure seen yet
    private bool _watchHealthy = true;
    private bool _fenced = true; // no lease yet
    private string? _fenceReason;
    private bool _fenceWaived;
    private long _leaseId;
    private bool _leaseLost;
    private bool _joined;
    private bool _reread;
    private volatile bool _started;
    private TimeSpan _ttl;
    private long _lastRenewSent;
    private long _suspectSince; // the first failed lease call since the last renewal (timestamp), 0: none
    private ConcurrentQueue<long>? _pendingKeepAlives; // the current keepalive stream's unanswered requests' send times
    private MemberState _state = MemberState.Joining;
    private string? _applied;
    private MembershipView _view;
    private bool _reportedReachable = true;
    private bool _reportedFenced = true; // as the initial view: joining is not "unfenced"
    private string? _lastFailure;

    // Guarded by _raiseGate: the last view handed to Changed.
    private readonly Lock _raiseGate = new();
    private MembershipView? _raised;

    private readonly IHostApplicationLifetime? _lifetime;
    private EtcdConnection? _connection;
    private Task _loops = Task.CompletedTask;
    private int _disposed;

    public EtcdMembership(
        IOptions<DtsOptions> options, IMembershipPeers peers, TimeProvider time, ILogger<EtcdMembership> logger, IHostApplicationLifetime? lifetime = null)
    {
        _lifetime = lifetime;
        _options = options.Value;
        _etcd = _options.Etcd;
        _peers = peers;
        _time = time;
        _logger = logger;
        _stoppingToken = _stopping.Token;
        _membersPrefix = _etcd.Prefix + "members/";
        _selfKey = ByteString.CopyFromUtf8(_membersPrefix + _options.NodeId);
        _knownIds = _options.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        _ttl = _etcd.LeaseTtl;
        _leaseRetry = BuildRetry(ex => OnFailure(ex, lease: true));
        _watchRetry = BuildRetry(ex => OnFailure(ex, lease: false));
        // Before the node joined: every configured node, not reachable, and this node fenced (it holds no lease).
        _view = new MembershipView(
            0,
            _options.Nodes.Select(n => new ClusterMember(n.Id, MemberState.Active, null)).OrderBy(m => m.NodeId, StringComparer.Ordinal).ToArray(),
            StoreReachable: false,
            Fenced: true);
    }

    public MembershipView View => Volatile.Read(ref _view);

    public event Action<MembershipView>? Changed;

    private EtcdConnection Connection => _connection ?? throw new InvalidOperationException("EtcdMembership has not started.");

    /// <summary>
    /// Joins: grants the lease, puts the member key (Joining, applied null), reads the prefix, then starts the
    /// keepalive, watch and fencing loops. Retries (backoff ≤ 1 s) until joined or <paramref name="cancellationToken"/>:
    /// a node that can't reach etcd can't be a member. Once the host has started (Kestrel listens:
    /// <see cref="IHostApplicationLifetime.ApplicationStarted"/>; at once without a host) the key says Active, and
    /// only then do the others route to this node and hand it buckets.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _connection = new EtcdConnection(_etcd);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stoppingToken);
        await _leaseRetry.ExecuteAsync(async ct => await EnsureLeaseAsync(ct).ConfigureAwait(false), linked.Token).ConfigureAwait(false);
        await _watchRetry.ExecuteAsync(async ct => await ReadAsync(ct).ConfigureAwait(false), linked.Token).ConfigureAwait(false);
        _started = true;
        Publish();
        _loops = Task.WhenAll(
            Task.Run(() => RunAsync(_leaseRetry, KeepAliveAsync), CancellationToken.None),
            Task.Run(() => RunAsync(_watchRetry, WatchAsync), CancellationToken.None),
            StartFencing());
        if (_lifetime is null)
        {
            _ = ActivateAsync();
        }
        else
        {
            _lifetime.ApplicationStarted.Register(() => _ = ActivateAsync());
        }
    }

    /// <summary>Joining → Active (retried until done or stopped); a node already draining stays draining.</summary>
    private async Task ActivateAsync()
    {
        lock (_gate)
        {
            if (_state != MemberState.Joining)
            {
                return;
            }
            _state = MemberState.Active;
        }
        try
        {
            await PutSelfAsync(_stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stoppingToken.IsCancellationRequested)
        {
            // Stopping before it ever served.
        }
    }

    /// <summary>Stops the loops and revokes the lease: the member key goes at once (the others see the delete).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_connection is null || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loops.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        long lease;
        lock (_gate)
        {
            lease = _leaseLost ? 0 : _leaseId;
        }
        if (lease != 0)
        {
            try
            {
                await Connection.Client.LeaseRevokeAsync(
                    new Etcdserverpb.LeaseRevokeRequest { ID = lease }, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException ex)
            {
                // Not retried: the key goes anyway when the lease expires, within the TTL.
                Log.RevokeFailed(_logger, lease, ex.Status.Detail);
            }
        }
    }

    /// <summary>
    /// Puts the member key again with <paramref name="fingerprint"/> as <c>applied</c> (same lease), retried until
    /// done or cancelled. When the lease was lost meanwhile, nothing is put: the node rejoins with applied null.
    /// </summary>
    public Task PublishAppliedAsync(string fingerprint, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _applied = fingerprint;
        }
        return PutSelfAsync(cancellationToken);
    }

    /// <summary>Puts the member key again with state Draining (same lease), retried until done or cancelled.</summary>
    public Task DrainAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _state = MemberState.Draining;
        }
        return PutSelfAsync(cancellationToken);
    }

    /// <summary>Stops everything without revoking the lease (a process that dies): the key goes when the lease expires.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _stopping.Cancel();
        _connection?.Dispose();
        _stopping.Dispose();
        _putGate.Dispose();
    }

    private async Task PutSelfAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stoppingToken);
        await _leaseRetry.ExecuteAsync(async ct => await PutSelfOnceAsync(ct).ConfigureAwait(false), linked.Token).ConfigureAwait(false);
    }

    /// <summary>Runs one loop (a stream, re-established by <paramref name="retry"/> after each failure) until the node stops.</summary>
    private async Task RunAsync(ResiliencePipeline retry, Func<CancellationToken, Task> loop)
    {
        try
        {
            await retry.ExecuteAsync(async ct => await loop(ct).ConfigureAwait(false), _stoppingToken).ConfigureAwait(false);
        }
        catch (Exception) when (_stoppingToken.IsCancellationRequested)
        {
            // Stopping (or disposed): whatever the stream threw last is moot.
        }
    }

    private ResiliencePipeline BuildRetry(Action<Exception> onFailure) => new ResiliencePipelineBuilder { TimeProvider = _time }
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(100),
            MaxDelay = TimeSpan.FromSeconds(1),
            ShouldHandle = args => ValueTask.FromResult(!_stoppingToken.IsCancellationRequested && IsStoreFailure(args.Outcome.Exception)),
            OnRetry = args =>
            {
                onFailure(args.Outcome.Exception!);
                return default;
            },
        })
        .Build();

    /// <summary>
    /// Every failure is retried (backoff ≤ 1 s) until the node stops: a loop that ended on an exception nobody
    /// expected would freeze the view — unreachable, fenced — for the rest of the process's life.
    /// </summary>
    private static bool IsStoreFailure(Exception? ex) => ex is not null;

    /// <summary>
    /// etcd answered, and the answer asks for another attempt rather than meaning "unreachable": NotFound (the lease is
    /// gone: the retry rejoins) or OutOfRange (the watch's revision was compacted: the retry reads the prefix again).
    /// </summary>
    private static bool IsAnswer(Exception error) => error is RpcException { StatusCode: StatusCode.NotFound or StatusCode.OutOfRange };

    private DateTime Deadline() => _time.GetUtcNow().UtcDateTime + _etcd.RequestTimeout;

    private long Ticks(TimeSpan duration) => (long)(duration.TotalSeconds * _time.TimestampFrequency);
}
