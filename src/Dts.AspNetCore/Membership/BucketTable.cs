using Dts.AspNetCore.Flow;
using Dts.Core.Ownership;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Membership;

/// <summary>
/// Applies the membership to this node's flow table: which buckets' SYNs it answers. The table is
/// <see cref="BucketAssignment.Assign"/> over the active members, the same on every node. Order is what keeps a SYN
/// from being answered twice: buckets this node loses are released at once and only then is the table published as
/// applied; buckets it gains are taken only once every other active member has applied the same table (so each has
/// released them), or — should a member never confirm — after twice the lease TTL, by which time a member that
/// cannot reach the store has fenced itself. A fenced or draining node answers no bucket at all.
/// On SIGTERM (<see cref="IHostApplicationLifetime.ApplicationStopping"/>, before Kestrel stops) the node releases
/// every bucket, publishes Draining, and waits (at most the lease TTL) until the others have taken its buckets.
/// </summary>
internal sealed partial class BucketTable : IHostedService, IDisposable
{
    private readonly IClusterMembership _membership;
    private readonly FlowOwnership _flows;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly ILogger<BucketTable> _logger;
    private readonly string _self;
    private readonly int _buckets;
    private readonly TimeSpan _confirmBound;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int[] _current = [];
    private string? _published;
    private string? _pendingTable;
    private long _pendingSince;
    private bool _draining;
    private ITimer? _retry;
    private CancellationTokenRegistration _stopping;
    private volatile BucketTableSnapshot _snapshot;

    public BucketTable(
        IClusterMembership membership,
        FlowOwnership flows,
        IHostApplicationLifetime lifetime,
        IOptions<DtsOptions> options,
        TimeProvider time,
        ILogger<BucketTable> logger)
    {
        _membership = membership;
        _flows = flows;
        _lifetime = lifetime;
        _time = time;
        _logger = logger;
        var o = options.Value;
        _self = o.NodeId;
        _buckets = o.Buckets;
        _confirmBound = o.Membership == DtsMembershipMode.Etcd ? 2 * o.Etcd.LeaseTtl : TimeSpan.Zero;
        _snapshot = new BucketTableSnapshot("", _buckets, new Dictionary<string, int>(), 0, false, false);
    }

    /// <summary>The table's identity: <c>"{B}:{active ids, sorted, comma-separated}"</c>; equal on two nodes exactly when they compute the same table.</summary>
    public static string Fingerprint(int buckets, IEnumerable<string> activeIds) =>
        FormattableString.Invariant($"{buckets}:{string.Join(',', activeIds.Order(StringComparer.Ordinal))}");

    /// <summary>What this node applies now, for <c>/dts/stats</c>.</summary>
    public BucketTableSnapshot Snapshot => _snapshot;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _membership.Changed += OnChanged;
        _stopping = _lifetime.ApplicationStopping.Register(Drain);
        await EvaluateAsync().ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _membership.Changed -= OnChanged;
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _retry?.Dispose();
        _gate.Dispose();
    }

    private void OnChanged(MembershipView view) => _ = EvaluateSafelyAsync();

    private async Task EvaluateSafelyAsync()
    {
        try
        {
            await EvaluateAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.EvaluationFailed(_logger, ex);
        }
    }

    private async Task EvaluateAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var view = _membership.View;
            var active = view.ActiveIds;
            var table = Fingerprint(_buckets, active);
            var owners = BucketAssignment.Assign(active, _buckets);
            var member = active.Contains(_self, StringComparer.Ordinal);
            var target = _draining || view.Fenced || !member ? [] : BucketAssignment.BucketsOf(owners, _self);

            // 1. Release what this node no longer answers, at once.
            var keep = _current.Intersect(target).ToArray();
            if (keep.Length != _current.Length)
            {
                Apply(keep);
                Log.Released(_logger, _current.Length - keep.Length, keep.Length, table);
                _current = keep;
            }

            // 2. Say so: the gainers wait for it.
            if (member && !_draining && !view.Fenced && view.StoreReachable && _published != table)
            {
                await _membership.PublishAppliedAsync(table, CancellationToken.None).ConfigureAwait(false);
                _published = table;
            }

            // 3. Take what this node gains once every other active member released it.
            var pending = false;
            if (target.Length > _current.Length)
            {
                if (_pendingTable != table)
                {
                    _pendingTable = table;
                    _pendingSince = _time.GetTimestamp();
                }
                var unconfirmed = active.Where(id => id != _self && view.Find(id)?.AppliedTable != table).ToArray();
                var waited = _time.GetElapsedTime(_pendingSince);
                if (unconfirmed.Length == 0 || (view.StoreReachable && waited >= _confirmBound))
                {
                    if (unconfirmed.Length > 0)
                    {
                        Log.TookUnconfirmed(_logger, string.Join(',', unconfirmed), waited.TotalMilliseconds, table);
                    }
                    Log.Gained(_logger, target.Length - _current.Length, target.Length, table);
                    Apply(target);
                    _current = target;
                    _pendingTable = null;
                }
                else
                {
                    pending = true;
                    ScheduleRetry(_confirmBound - waited);
                }
            }
            else
            {
                _pendingTable = null;
            }

            _snapshot = new BucketTableSnapshot(
                table, _buckets, active.ToDictionary(id => id, id => owners.Count(o => o == id)), _current.Length, pending, _draining);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Apply(int[] buckets) => _flows.SetBuckets(buckets);

    private void ScheduleRetry(TimeSpan after)
    {
        _retry?.Dispose();
        _retry = _time.CreateTimer(_ => _ = EvaluateSafelyAsync(), null, after < TimeSpan.Zero ? TimeSpan.Zero : after, Timeout.InfiniteTimeSpan);
    }

    /// <summary>SIGTERM: release every bucket, publish Draining, and give the others (at most the lease TTL, 2 s when static) to take them.</summary>
    private void Drain()
    {
        try
        {
            DrainAsync().GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.EvaluationFailed(_logger, ex);
        }
    }

    private async Task DrainAsync()
    {
        _draining = true;
        await EvaluateAsync().ConfigureAwait(false); // releases every bucket
        using var bound = new CancellationTokenSource(_confirmBound > TimeSpan.Zero ? _confirmBound / 2 : TimeSpan.FromSeconds(2), _time);
        var taken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check(MembershipView view)
        {
            var table = Fingerprint(_buckets, view.ActiveIds);
            if (view.ActiveIds.All(id => view.Find(id)?.AppliedTable == table) && !view.IsAvailable(_self))
            {
                taken.TrySetResult();
            }
        }
        _membership.Changed += Check;
        try
        {
            await _membership.DrainAsync(bound.Token).ConfigureAwait(false);
            Check(_membership.View);
            await taken.Task.WaitAsync(bound.Token).ConfigureAwait(false);
            Log.Drained(_logger);
        }
        catch (OperationCanceledException)
        {
            Log.DrainUnconfirmed(_logger);
        }
        finally
        {
            _membership.Changed -= Check;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Information, "Buckets: released {Released}, answering {Count} (table {Table})")]
        public static partial void Released(ILogger logger, int released, int count, string table);

        [LoggerMessage(21, LogLevel.Information, "Buckets: gained {Gained}, answering {Count} (table {Table})")]
        public static partial void Gained(ILogger logger, int gained, int count, string table);

        [LoggerMessage(22, LogLevel.Warning, "Buckets: {Members} did not confirm table {Table} within {Millis:F0} ms; taking the buckets anyway")]
        public static partial void TookUnconfirmed(ILogger logger, string members, double millis, string table);

        [LoggerMessage(23, LogLevel.Error, "Applying the membership to the bucket table failed")]
        public static partial void EvaluationFailed(ILogger logger, Exception exception);

        [LoggerMessage(24, LogLevel.Information, "Draining: every bucket released and taken by the other members")]
        public static partial void Drained(ILogger logger);

        [LoggerMessage(25, LogLevel.Warning, "Draining: the other members did not confirm taking this node's buckets in time; stopping anyway")]
        public static partial void DrainUnconfirmed(ILogger logger);
    }
}

/// <summary>
/// The bucket table this node applies: its fingerprint, B, each active member's share of the buckets, how many this
/// node answers now, whether gains wait for the others' confirmation, and whether the node is draining.
/// </summary>
internal sealed record BucketTableSnapshot(
    string Table, int Buckets, IReadOnlyDictionary<string, int> BucketsPerNode, int SelfBuckets, bool GainPending, bool Draining);
