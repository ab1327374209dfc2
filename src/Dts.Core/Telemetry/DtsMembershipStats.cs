namespace Dts.Core.Telemetry;

/// <summary>
/// A node's view of the membership and of the bucket table it applies, as <c>/dts/stats</c> reports it under
/// <c>membership</c> (JSON, camelCase like <see cref="DtsStats"/>).
/// </summary>
/// <param name="Mode"><c>Dts:Membership</c>: <c>"Static"</c> or <c>"Etcd"</c>.</param>
/// <param name="Revision">The membership store's revision of the view (0 for Static).</param>
/// <param name="StoreReachable">False while the store can't be reached: the node serves with the last view (static stability).</param>
/// <param name="Fenced">True while this node may have lost its lease where others can see it: it answers no SYN.</param>
/// <param name="Draining">True once this node is shutting down: it has released (or is releasing) its buckets.</param>
/// <param name="Buckets">B, the number of buckets (<c>Dts:Buckets</c>).</param>
/// <param name="SelfBuckets">How many buckets' SYNs this node answers now.</param>
/// <param name="Table">The fingerprint of the bucket table this node applies: <c>"{B}:{active ids, sorted, comma-separated}"</c>; empty before the first one.</param>
/// <param name="GainPending">True while this node waits for the other members to confirm the table before taking the buckets it gains.</param>
/// <param name="Members">The live members, sorted by id.</param>
public sealed record DtsMembershipStats(
    string Mode,
    long Revision,
    bool StoreReachable,
    bool Fenced,
    bool Draining,
    int Buckets,
    int SelfBuckets,
    string Table,
    bool GainPending,
    IReadOnlyList<DtsMemberStats> Members);

/// <summary>One live member as this node sees it.</summary>
/// <param name="Id">The node id (<c>Dts:Nodes[i]:Id</c>).</param>
/// <param name="State"><c>"Joining"</c> (registered, not serving yet), <c>"Active"</c> or <c>"Draining"</c>.</param>
/// <param name="Applied">The fingerprint of the last bucket table the member published as applied; null until it applied one.</param>
/// <param name="Buckets">The member's share of the B buckets in the current table; 0 for a draining member.</param>
public sealed record DtsMemberStats(string Id, string State, string? Applied, int Buckets);
