using System.Text.Json.Serialization;
using Dts.Core.Handover;

namespace Dts.Testbed.Configuration;

/// <summary>
/// The <c>Dts</c> section the testbed writes for one node: the part of Dts.AspNetCore's <c>DtsOptions</c> that the
/// testbed decides, under the same names (the node binds and validates it at start-up). A mirror rather than
/// <c>DtsOptions</c> itself, because referencing Dts.AspNetCore would pull ASP.NET Core, YARP and gRPC into the
/// testbed, the CLI and every test that shares it (ARCHITECTURE.md §2: Core ← Linux ← Testbed ← Cli).
/// </summary>
/// <param name="NodeId">This node's id, one of <paramref name="Nodes"/>.</param>
/// <param name="Vip">The VIP every node holds.</param>
/// <param name="Port">HTTP port on the VIP and on each node's address.</param>
/// <param name="ControlPort">Control-channel port on each node's address.</param>
/// <param name="ManagementPort">Management-endpoint port (<c>/dts/*</c>) on each node's address.</param>
/// <param name="ResponseHeaders">Whether responses carry <c>X-Dts-*</c> headers (the tests, demo and bench read them).</param>
/// <param name="Mechanism">Handover mechanism, written by name.</param>
/// <param name="HashSeed">Seed of the ownership hash.</param>
/// <param name="Nodes">Every node, in index order (a node's index is the hash bucket it owns).</param>
/// <param name="Certificates">The PEM files of this node's control channel.</param>
/// <param name="Membership">Where the node learns which nodes are alive, written by name (<c>Etcd</c>, <c>Static</c>).</param>
/// <param name="Buckets">Number of ownership buckets, the same on every node.</param>
/// <param name="Etcd">The etcd cluster, with <see cref="TestbedMembership.Etcd"/>; left out otherwise.</param>
internal sealed record DtsSection(
    string NodeId,
    string Vip,
    ushort Port,
    ushort ControlPort,
    ushort ManagementPort,
    bool ResponseHeaders,
    HandoverMechanism Mechanism,
    uint HashSeed,
    IReadOnlyList<DtsSectionNode> Nodes,
    DtsSectionCertificates Certificates,
    TestbedMembership Membership,
    int Buckets,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DtsSectionEtcd? Etcd)
{
    /// <summary>The configuration section's name.</summary>
    public const string SectionName = "Dts";
}
