using System.Globalization;
using System.Text.RegularExpressions;

namespace Dts.Demo;

/// <summary>
/// What one <c>wrk --latency</c> run reports on stdout: completed requests, their rate and latency percentiles,
/// answers outside 2xx/3xx and socket errors (connect, read, write, timeout).
/// </summary>
/// <param name="Requests">Requests completed (<c>N requests in …</c>).</param>
/// <param name="RequestsPerSecond">The <c>Requests/sec</c> line.</param>
/// <param name="NonSuccess">Responses outside 2xx/3xx (<c>Non-2xx or 3xx responses: N</c>; absent means 0).</param>
/// <param name="ConnectErrors">Failed connects.</param>
/// <param name="ReadErrors">Failed reads.</param>
/// <param name="WriteErrors">Failed writes.</param>
/// <param name="Timeouts">Requests without an answer within wrk's <c>--timeout</c>.</param>
/// <param name="P50Us">Median latency, µs (0 when wrk printed no distribution).</param>
/// <param name="P99Us">99th percentile latency, µs (0 when wrk printed no distribution).</param>
internal sealed partial record WrkResult(
    long Requests,
    double RequestsPerSecond,
    long NonSuccess,
    long ConnectErrors,
    long ReadErrors,
    long WriteErrors,
    long Timeouts,
    double P50Us,
    double P99Us)
{
    /// <summary>Connect, read, write and timeout errors together.</summary>
    public long SocketErrors => ConnectErrors + ReadErrors + WriteErrors + Timeouts;

    /// <summary>Parses wrk's stdout; <see langword="false"/> when the request count is missing (wrk did not run).</summary>
    public static bool TryParse(string output, out WrkResult result)
    {
        result = new WrkResult(0, 0, 0, 0, 0, 0, 0, 0, 0);
        var requests = RequestsLine().Match(output);
        if (!requests.Success)
        {
            return false;
        }

        var socket = SocketErrorsLine().Match(output);
        var nonSuccess = NonSuccessLine().Match(output);
        var rate = RateLine().Match(output);
        result = new WrkResult(
            Requests: long.Parse(requests.Groups[1].ValueSpan, CultureInfo.InvariantCulture),
            RequestsPerSecond: rate.Success ? double.Parse(rate.Groups[1].ValueSpan, CultureInfo.InvariantCulture) : 0,
            NonSuccess: nonSuccess.Success ? long.Parse(nonSuccess.Groups[1].ValueSpan, CultureInfo.InvariantCulture) : 0,
            ConnectErrors: SocketCount(socket, 1),
            ReadErrors: SocketCount(socket, 2),
            WriteErrors: SocketCount(socket, 3),
            Timeouts: SocketCount(socket, 4),
            P50Us: Percentile(output, "50%"),
            P99Us: Percentile(output, "99%"));
        return true;
    }

    private static long SocketCount(Match socket, int group) =>
        socket.Success ? long.Parse(socket.Groups[group].ValueSpan, CultureInfo.InvariantCulture) : 0;

    /// <summary>A line of the latency distribution (<c>     99%  147.04ms</c>) in µs.</summary>
    private static double Percentile(string output, string label)
    {
        foreach (Match m in DistributionLine().Matches(output))
        {
            if (m.Groups[1].Value == label)
            {
                double value = double.Parse(m.Groups[2].ValueSpan, CultureInfo.InvariantCulture);
                return m.Groups[3].Value switch
                {
                    "us" => value,
                    "ms" => value * 1e3,
                    "s" => value * 1e6,
                    "m" => value * 60e6,
                    _ => value * 3600e6,
                };
            }
        }

        return 0;
    }

    [GeneratedRegex(@"^\s*(\d+) requests in ", RegexOptions.Multiline)]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrorsLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex NonSuccessLine();

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RateLine();

    [GeneratedRegex(@"^\s+(\d+%)\s+([\d.]+)(us|ms|s|m|h)\s*$", RegexOptions.Multiline)]
    private static partial Regex DistributionLine();
}
