using Dts.AspNetCore.Telemetry;
using Dts.Core.Tcp;
using Microsoft.Extensions.Logging;

namespace Dts.AspNetCore.Handover;

internal sealed partial class HandoverCoordinator
{
    private static partial class Log
    {
        [LoggerMessage(EventIds.HandedOver, LogLevel.Debug, "Handover {HandoverId}: {Flow} handed to {Target} in {Micros:F0} µs")]
        public static partial void HandedOver(ILogger logger, string handoverId, FlowKey flow, string target, double micros);

        [LoggerMessage(EventIds.HandoverFailed, LogLevel.Information, "Handover of {Flow} failed, the origin keeps it: {Reason}")]
        public static partial void HandoverFailed(ILogger logger, FlowKey flow, string reason);

        [LoggerMessage(EventIds.TargetNotMember, LogLevel.Information, "Handover of {Flow} to {Target} refused: the target is not a member (membership revision {Revision}); the route's fallback applies")]
        public static partial void TargetNotMember(ILogger logger, FlowKey flow, string target, long revision);
    }
}
