using System.Globalization;
using System.Text.RegularExpressions;

namespace Dts.Demo;

/// <summary>
/// Counts client connections waiting for an answer that does not come, from <c>ss -Htni state established dst …</c>.
/// wrk keeps a request outstanding on every connection and never counts one that is never answered (its timeout
/// count only covers late answers), so a connection that sent nothing and received nothing for
/// <c>threshold</c> is a request that stalled.
/// </summary>
internal static partial class StalledConnections
{
    /// <summary>The connections in <paramref name="ssOutput"/> idle both ways (<c>lastsnd</c>, <c>lastrcv</c>) for at least <paramref name="threshold"/>.</summary>
    public static int Count(string ssOutput, TimeSpan threshold)
    {
        int stalled = 0;
        foreach (Match m in IdleTimes().Matches(ssOutput))
        {
            long lastSendMs = long.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            long lastReceiveMs = long.Parse(m.Groups[2].ValueSpan, CultureInfo.InvariantCulture);
            if (Math.Min(lastSendMs, lastReceiveMs) >= threshold.TotalMilliseconds)
            {
                stalled++;
            }
        }

        return stalled;
    }

    [GeneratedRegex(@"\blastsnd:(\d+) lastrcv:(\d+)")]
    private static partial Regex IdleTimes();
}
