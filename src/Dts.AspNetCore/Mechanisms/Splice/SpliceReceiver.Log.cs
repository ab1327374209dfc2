using Dts.AspNetCore.Telemetry;
using Dts.Core.Tcp;
using Microsoft.Extensions.Logging;

namespace Dts.AspNetCore.Mechanisms.Splice;

internal sealed partial class SpliceReceiver
{
    private static partial class Log
    {
        [LoggerMessage(EventIds.SpliceRefused, LogLevel.Information, "Splice handover {HandoverId} of {Flow} not applied")]
        public static partial void Refused(ILogger logger, string handoverId, FlowKey flow);
    }
}
