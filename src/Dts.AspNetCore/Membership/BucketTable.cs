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
    /// <summary>How long a draining node keeps taking handovers after the others confirmed its departure.</summary>
    private static readonly TimeSpan InFlightGrace = TimeSpan.FromMilliseconds(100);

    private readonly Lock _lock = new();

    private int[] _current = [];
    private string? _publishing;
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

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _membership.Changed += OnChanged;
        _stopping = _lifetime.ApplicationStopping.Register(Drain);
        Evaluate();
        return Task.CompletedTask;
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
    }

    /// <summary>
    /// Applied on the thread that raised the change, before it returns: a fencing verdict must reach the flow table
    /// within its margin, and a pool hop can be late under load.
    /// </summary>
    private void OnChanged(MembershipView view) => Evaluate();

    private void Evaluate()
    {
        string? publish = null;
        try
        {
            lock (_lock)
            {
                publish = EvaluateLocked();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.EvaluationFailed(_logger, ex);
        }
        if (publish is not null)
        {
            _ = PublishAsync(publish);
        }
    }

    /// <summary>Applies the current view; returns the table to publish as applied, if it is time to.</summary>
    private string? EvaluateLocked()
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

        // 2. Say so (outside the lock: the store may be slow or gone): the gainers wait for it.
        string? publish = null;
        // (What counts is the store's copy: a node that rejoined with a new lease starts again with none.)
        if (member && !_draining && !view.Fenced && view.StoreReachable && view.Find(_self)?.AppliedTable != table && _publishing != table)
        {
            _publishing = table;
            publish = table;
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
        return publish;
    }

    /// <summary>Publishes <paramref name="table"/> as applied, bounded by the lease TTL; a failure is retried at the next change of the view.</summary>
    private async Task PublishAsync(string table)
    {
        using var bound = new CancellationTokenSource(_confirmBound > TimeSpan.Zero ? _confirmBound / 2 : TimeSpan.FromSeconds(2), _time);
        try
        {
            await _membership.PublishAppliedAsync(table, bound.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.PublishFailed(_logger, table, ex.Message);
        }
        finally
        {
            lock (_lock)
            {
                if (_publishing == table)
                {
                    _publishing = null;
                }
            }
        }
    }

    private void Apply(int[] buckets) => _flows.SetBuckets(buckets);

    private void ScheduleRetry(TimeSpan after)
    {
        _retry?.Dispose();
        _retry = _time.CreateTimer(_ => Evaluate(), null, after < TimeSpan.Zero ? TimeSpan.Zero : after, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Completes when the drain that SIGTERM started is over (the others took this node's buckets, or its bound passed):
    /// handovers may reach this node until then (the control channel keeps its streams open that long).
    /// </summary>
    public Task Drained => _drained.Task;

    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
        finally
        {
            _drained.TrySetResult();
        }
    }

    private async Task DrainAsync()
    {
        _draining = true;
        Evaluate(); // releases every bucket
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
            // A handover the others decided just before they saw this node leave may still be on its way: it lands
            // before Kestrel stops taking connections.
            await Task.Delay(InFlightGrace, _time).ConfigureAwait(false);
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

        [LoggerMessage(26, LogLevel.Warning, "Buckets: publishing table {Table} as applied failed ({Reason}); retried at the next change")]
        public static partial void PublishFailed(ILogger logger, string table, string reason);

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
