namespace Dts.AspNetCore.Membership;

/// <summary>
/// Who is alive (<c>Dts:Membership</c>): <see cref="StaticMembership"/> or <c>EtcdMembership</c>. The bucket table
/// (<see cref="BucketTable"/>) and YARP's available destinations follow <see cref="View"/>.
/// </summary>
internal interface IClusterMembership
{
    /// <summary>The current view; never null once the host started (before: every configured node active).</summary>
    MembershipView View { get; }

    /// <summary>
    /// Raised after <see cref="View"/> changed (members, states, applied tables, reachability or fencing), on a background
    /// thread: a pool thread, or (a fencing verdict of <c>EtcdMembership</c>) its own fencing thread. Handlers return quickly.
    /// </summary>
    event Action<MembershipView>? Changed;

    /// <summary>
    /// Publishes that this node applied the bucket table <paramref name="fingerprint"/> (<see cref="BucketTable.Fingerprint"/>):
    /// a node that gains buckets waits until every other active member applied the same table, so that no SYN is
    /// ever answered by two nodes.
    /// </summary>
    Task PublishAppliedAsync(string fingerprint, CancellationToken cancellationToken);

    /// <summary>Publishes <see cref="MemberState.Draining"/> for this node (call only after it released its buckets).</summary>
    Task DrainAsync(CancellationToken cancellationToken);
}
