namespace Dts.Testbed;

/// <summary>
/// The <c>membership</c> object of a node's <c>/dts/stats</c>: that node's view of the cluster. Every field is
/// optional (null when the node does not report it), so a reader works with nodes older or newer than itself.
/// </summary>
/// <param name="Mode">Where the node learns the membership: <c>Etcd</c> or <c>Static</c>.</param>
/// <param name="Revision">The etcd revision of the view.</param>
/// <param name="StoreReachable">Whether the node reaches etcd now.</param>
/// <param name="Fenced">Whether the node stopped answering SYNs because it could not renew its lease.</param>
/// <param name="Draining">Whether the node is draining (SIGTERM).</param>
/// <param name="SelfBuckets">How many buckets the node owns now.</param>
/// <param name="Members">Every member in the view.</param>
public sealed record NodeMembershipStats(
    string? Mode,
    long? Revision,
    bool? StoreReachable,
    bool? Fenced,
    bool? Draining,
    int? SelfBuckets,
    IReadOnlyList<NodeMembershipMember> Members);

/// <summary>One member of a <see cref="NodeMembershipStats"/> view.</summary>
/// <param name="Id">Its node id.</param>
/// <param name="State">Its state, <c>Active</c> or <c>Draining</c>.</param>
/// <param name="Buckets">How many buckets the current assignment gives it.</param>
public sealed record NodeMembershipMember(string Id, string? State, int? Buckets);
