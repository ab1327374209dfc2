using Dts.AspNetCore.Telemetry;
using Dts.Core.Tcp;
using Microsoft.Extensions.Logging;

namespace Dts.AspNetCore.Handover;

internal sealed partial class HandoverReceiver
{
    private static partial class Log
    {
        [LoggerMessage(EventIds.Adopted, LogLevel.Debug, "Handover {HandoverId}: adopted {Flow} from {Origin}")]
        public static partial void Adopted(ILogger logger, string handoverId, FlowKey flow, string origin);

        [LoggerMessage(EventIds.Refused, LogLevel.Warning, "Handover {HandoverId} from {Origin} refused: {Reason}")]
        public static partial void Refused(ILogger logger, string handoverId, string origin, string reason);
    }
}
