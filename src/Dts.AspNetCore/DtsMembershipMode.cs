namespace Dts.AspNetCore;

/// <summary>Where a node learns which nodes are alive (<c>Dts:Membership</c>).</summary>
public enum DtsMembershipMode
{
    /// <summary>Every node of <c>Dts:Nodes</c> is assumed alive, always (a laptop, a single node, a fixed lab). Nothing fails over.</summary>
    Static,

    /// <summary>
    /// Membership lives in etcd (v3 API, <c>Dts:Etcd</c>): each node holds a lease on its member key and watches the
    /// prefix; a node whose lease expires leaves, and its buckets move to the others.
    /// </summary>
    Etcd,
}
