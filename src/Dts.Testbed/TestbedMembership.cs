namespace Dts.Testbed;

/// <summary>How the testbed's nodes learn which nodes are alive: written as <c>Dts:Membership</c> into each node's configuration.</summary>
public enum TestbedMembership
{
    /// <summary>
    /// A real etcd cluster, one member in each node namespace (as a deployment co-locates them), started before the
    /// nodes and stopped after them; the nodes hold leases on their member keys (<c>Dts:Membership=Etcd</c>).
    /// </summary>
    Etcd,

    /// <summary>No etcd: every listed node is assumed alive (<c>Dts:Membership=Static</c>), the fixed membership of old.</summary>
    Static,
}
