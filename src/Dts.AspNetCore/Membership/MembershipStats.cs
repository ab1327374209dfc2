using Dts.Core.Ownership;
using Dts.Core.Telemetry;

namespace Dts.AspNetCore.Membership;

/// <summary>
/// The <c>membership</c> object of <c>/dts/stats</c> (<see cref="DtsMembershipStats"/>): the membership's
/// <see cref="IClusterMembership.View"/> and what <see cref="BucketTable"/> applies (<see cref="BucketTable.Snapshot"/>).
/// </summary>
internal static class MembershipStats
{
    /// <summary>
    /// Builds the report. A member's <c>buckets</c> is its share in the snapshot's table
    /// (<see cref="BucketTableSnapshot.BucketsPerNode"/>) when that is the view's table; while the bucket table has not
    /// yet evaluated the view (before the host started, or for the moment a change is being applied) it is the share
    /// the view's active members get from the same assignment (<see cref="BucketAssignment.Assign"/>). Draining members
    /// have 0.
    /// </summary>
    /// <param name="mode"><c>Dts:Membership</c>.</param>
    /// <param name="self">This node's id.</param>
    /// <param name="view">The current membership view.</param>
    /// <param name="snapshot">The bucket table this node applies.</param>
    public static DtsMembershipStats Create(DtsMembershipMode mode, string self, MembershipView view, BucketTableSnapshot snapshot)
    {
        var table = BucketTable.Fingerprint(snapshot.Buckets, view.ActiveIds);
        var shares = snapshot.Table == table ? snapshot.BucketsPerNode : Shares(view.ActiveIds, snapshot.Buckets);
        var members = view.Members
            .OrderBy(m => m.NodeId, StringComparer.Ordinal)
            .Select(m => new DtsMemberStats(
                m.NodeId,
                m.State.ToString(),
                m.AppliedTable,
                m.State == MemberState.Active ? shares.GetValueOrDefault(m.NodeId) : 0))
            .ToArray();
        return new DtsMembershipStats(
            mode.ToString(),
            view.Revision,
            view.StoreReachable,
            view.Fenced,
            snapshot.Draining || view.Find(self)?.State == MemberState.Draining,
            snapshot.Buckets,
            snapshot.SelfBuckets,
            snapshot.Table,
            snapshot.GainPending,
            members);
    }

    private static Dictionary<string, int> Shares(IReadOnlyList<string> activeIds, int buckets) =>
        BucketAssignment.Assign(activeIds, buckets)
            .Where(owner => owner is not null)
            .GroupBy(owner => owner!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}
