using Dts.AspNetCore.Mechanisms;
using Dts.AspNetCore.Membership;
using Dts.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Telemetry;

/// <summary>What <c>GET /dts/stats</c> answers: <see cref="DtsStats"/> (JSON, camelCase).</summary>
internal static class DtsStatsEndpoint
{
    /// <summary>
    /// The node's counters (<see cref="DtsTelemetry.Snapshot"/>), the mechanism's own (<see cref="IHandoverMechanism.AddStats"/>),
    /// and the membership view with the bucket table this node applies (<see cref="DtsStats.Membership"/>).
    /// </summary>
    public static DtsStats Get(
        DtsTelemetry telemetry, IHandoverMechanism mechanism, IClusterMembership membership, BucketTable buckets, IOptions<DtsOptions> options)
    {
        var o = options.Value;
        return mechanism.AddStats(telemetry.Snapshot()) with
        {
            Membership = MembershipStats.Create(o.Membership, o.NodeId, membership.View, buckets.Snapshot),
        };
    }
}
