using System.Globalization;
using Dts.Testbed.Sample;
using DtsTestbed = Dts.Testbed.Testbed;

namespace Dts.Demo;

public sealed partial class DemoRunner
{
    /// <summary>wrk's per-request timeout; an answer slower than this counts as an error.</summary>
    private const string WrkRequestTimeout = "2s";

    /// <summary>A wrk connection idle this long is waiting for an answer that does not come.</summary>
    private static readonly TimeSpan StallThreshold = TimeSpan.FromSeconds(1);

    /// <summary>When, before wrk's end, the client's connections are inspected for stalled requests.</summary>
    private static readonly TimeSpan StallProbeLead = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// wrk on every route, first with <c>Connection: close</c> (every request a new connection, so every request is
    /// dispatched and about (N-1)/N of them handed over), then keep-alive (a connection is dispatched once and its
    /// later requests go straight to the node it landed on).
    /// </summary>
    private async Task LoadAsync(DtsTestbed testbed, CancellationToken cancellationToken)
    {
        int seconds = (int)Math.Ceiling(_options.LoadDuration.TotalSeconds);
        Section($"load: wrk -t1 -c{_options.LoadConnections} -d{seconds}s --latency --timeout {WrkRequestTimeout} from the client namespace, per route");
        _out.WriteLine($"  a request unanswered for {StallThreshold.TotalSeconds:0} s (idle connection in ss -ti {StallProbeLead.TotalMilliseconds:0} ms before wrk ends) counts as stalled: wrk never reports those");
        _out.WriteLine($"  {"route",-12} {"path",-18} {"connections",-16} {"requests",9} {"req/s",8} {"p50",9} {"p99",9} {"non-2xx",8} {"sock err",8} {"stalled",8}");
        foreach (bool keepAlive in new[] { false, true })
        {
            foreach (string prefix in SampleRoutes.Prefixes)
            {
                string path = prefix == "/static" ? "/static/hello.txt" : prefix + "/whoami";
                string url = $"http://{testbed.Vip}{path}";
                List<string> args = ["-t1", $"-c{_options.LoadConnections}", $"-d{seconds}s", "--latency", "--timeout", WrkRequestTimeout];
                if (!keepAlive)
                {
                    args.AddRange(["-H", "Connection: close"]);
                }

                args.Add(url);
                var wrkRun = testbed.RunInClientAsync("wrk", args, _options.LoadDuration + TimeSpan.FromSeconds(30), cancellationToken);
                int stalled = await CountStalledAsync(testbed, cancellationToken).ConfigureAwait(false);
                var result = await wrkRun.ConfigureAwait(false);
                string mode = keepAlive ? "keep-alive" : "new per request";
                string route = SampleRoutes.Describe(prefix, _options.NodeCount);
                if (!result.Succeeded || !WrkResult.TryParse(result.StandardOutput, out var wrk))
                {
                    _tally.AddErrors(1, $"wrk {url} ({mode}) failed: exit {result.ExitCode}{(result.TimedOut ? " (timed out)" : "")} {result.StandardError.Trim()}");
                    _out.WriteLine($"  {route,-12} {path,-18} {mode,-16} FAILED (exit {result.ExitCode})");
                    continue;
                }

                _tally.AddRequests(wrk.Requests);
                _tally.AddErrors(wrk.NonSuccess, $"wrk {path} ({mode}): non-2xx/3xx responses");
                _tally.AddErrors(stalled, $"wrk {path} ({mode}): requests unanswered for {StallThreshold.TotalSeconds:0} s and more");
                _tally.AddErrors(wrk.SocketErrors, $"wrk {path} ({mode}): socket errors connect {wrk.ConnectErrors}, read {wrk.ReadErrors}, write {wrk.WriteErrors}, timeout {wrk.Timeouts}");
                _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {route,-12} {path,-18} {mode,-16} {wrk.Requests,9} {wrk.RequestsPerSecond,8:0} {Micros(wrk.P50Us),9} {Micros(wrk.P99Us),9} {wrk.NonSuccess,8} {wrk.SocketErrors,8} {stalled,8}"));
            }
        }
    }

    /// <summary>Waits until shortly before wrk ends, then counts the client's stalled connections to the VIP.</summary>
    private async Task<int> CountStalledAsync(DtsTestbed testbed, CancellationToken cancellationToken)
    {
        await Task.Delay(_options.LoadDuration - StallProbeLead, cancellationToken).ConfigureAwait(false);
        var ss = await testbed.RunInClientAsync(
            "ss",
            ["-Htni", "state", "established", "dst", $"{testbed.Vip}:{testbed.Port}"],
            TimeSpan.FromSeconds(10),
            cancellationToken).ConfigureAwait(false);
        if (!ss.Succeeded)
        {
            _tally.AddErrors(1, $"ss failed: exit {ss.ExitCode} {ss.StandardError.Trim()}");
            return 0;
        }

        return StalledConnections.Count(ss.StandardOutput, StallThreshold);
    }

    /// <summary>A latency in µs, shown in µs below 10 ms and in ms above.</summary>
    private static string Micros(double us) => us < 10_000
        ? string.Create(CultureInfo.InvariantCulture, $"{us:0} µs")
        : string.Create(CultureInfo.InvariantCulture, $"{us / 1000:0.0} ms");
}
