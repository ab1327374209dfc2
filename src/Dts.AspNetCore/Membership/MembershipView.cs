namespace Dts.AspNetCore.Membership;

/// <summary>The state a member publishes in its member key.</summary>
internal enum MemberState
{
    /// <summary>
    /// Registered but not serving yet (its Kestrel is not listening): it takes no buckets, no connections and no
    /// requests, and nobody waits for it. It becomes <see cref="Active"/> once the host has started.
    /// </summary>
    Joining,

    /// <summary>Serving: takes part in the bucket assignment and in YARP's load balancing.</summary>
    Active,

    /// <summary>Shutting down (SIGTERM): it has already released its buckets; it still serves its established connections but takes nothing new.</summary>
    Draining,
}

/// <summary>
/// A live member (one whose lease is alive): its id, state, and the fingerprint of the last bucket table it applied
/// (<see cref="BucketTable"/>; null until it applied one).
/// </summary>
internal sealed record ClusterMember(string NodeId, MemberState State, string? AppliedTable);

/// <summary>
/// One consistent view of the membership: the live members at store revision <see cref="Revision"/>, sorted by id.
/// <see cref="StoreReachable"/> is false while the store can't be reached: the view is then the last one seen and
/// nodes keep serving with it (static stability). <see cref="Fenced"/> is this node's own verdict that its lease
/// may have expired where others can see it: it must not answer SYNs then.
/// </summary>
internal sealed record MembershipView(long Revision, IReadOnlyList<ClusterMember> Members, bool StoreReachable, bool Fenced)
{
    /// <summary>The ids of the <see cref="MemberState.Active"/> members, sorted (ordinal).</summary>
    public IReadOnlyList<string> ActiveIds { get; } =
        Members.Where(m => m.State == MemberState.Active).Select(m => m.NodeId).Order(StringComparer.Ordinal).ToArray();

    /// <summary>True when <paramref name="nodeId"/> is an active member: it may be chosen by load balancing and handed connections.</summary>
    public bool IsAvailable(string nodeId) => ActiveIds.Contains(nodeId, StringComparer.Ordinal);

    /// <summary>The member <paramref name="nodeId"/>, or null when it is not live.</summary>
    public ClusterMember? Find(string nodeId) => Members.FirstOrDefault(m => m.NodeId == nodeId);
}
