using Microsoft.Extensions.Logging;

namespace Dts.AspNetCore.Control;

internal sealed partial class ControlChannel
{
    private static partial class Log
    {
        [LoggerMessage(Telemetry.EventIds.AnswerLost, LogLevel.Warning, "Handover {HandoverId}: no answer from {Peer} ({Error}); asking whether it was applied")]
        public static partial void AnswerLost(ILogger logger, string handoverId, string peer, string error);
    }
}
