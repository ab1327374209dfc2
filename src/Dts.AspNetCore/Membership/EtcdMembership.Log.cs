using Microsoft.Extensions.Logging;
using static Dts.AspNetCore.Telemetry.EventIds;

namespace Dts.AspNetCore.Membership;

internal sealed partial class EtcdMembership
{
    private static partial class Log
    {
        [LoggerMessage(MembershipStoreUnreachable, LogLevel.Warning, "Membership store unreachable; serving with the view of revision {Revision} ({Error})")]
        public static partial void StoreUnreachable(ILogger logger, long revision, string error);

        [LoggerMessage(MembershipStoreReachable, LogLevel.Information, "Membership store reachable again (view of revision {Revision})")]
        public static partial void StoreReachable(ILogger logger, long revision);

        [LoggerMessage(MembershipFenced, LogLevel.Warning, "Fenced: this node answers no SYN of its buckets until its lease is renewed ({Reason})")]
        public static partial void Fenced(ILogger logger, string reason);

        [LoggerMessage(MembershipUnfenced, LogLevel.Warning, "Unfenced: the lease is renewed, this node answers the SYNs of its buckets again")]
        public static partial void Unfenced(ILogger logger);

        [LoggerMessage(MembershipFenceWaived, LogLevel.Warning, "Lease renewal overdue ({OverdueMs:F0} ms since the last one) but not fenced: {Reason}, so nobody can see the lease expire; serving with the last view")]
        public static partial void FenceWaived(ILogger logger, double overdueMs, string reason);

        [LoggerMessage(MembershipViewChanged, LogLevel.Information, "Membership at revision {Revision}: {Members}")]
        public static partial void ViewChanged(ILogger logger, long revision, string members);

        [LoggerMessage(MembershipIgnoredKey, LogLevel.Warning, "Membership key {Key} ignored: {Reason}")]
        public static partial void IgnoredMember(ILogger logger, string key, string reason);

        [LoggerMessage(MembershipRevokeFailed, LogLevel.Warning, "Could not revoke lease {LeaseId:x} at stop ({Error}); the member key goes when it expires")]
        public static partial void RevokeFailed(ILogger logger, long leaseId, string error);
    }
}
