using System.Diagnostics;
using System.Globalization;
using Dts.Core.Telemetry;
using Dts.Testbed;
using Dts.Testbed.Sample;
using DtsTestbed = Dts.Testbed.Testbed;

namespace Dts.Demo;

/// <summary>
/// The main job (<c>dts demo</c>): brings a testbed up with the sample app on every node, drives real clients
/// from the client namespace — a few visible <c>curl</c> requests, <c>wrk</c> on every route with a new connection
/// per request and with keep-alive, 64 MiB downloads and 1 MiB uploads checked by SHA-256, then a node killed under
/// load and started again (the failover act) — prints what the clients saw and what the nodes counted, tears everything down (also on failure and cancellation) and ends with
/// <see cref="DemoReport.SummaryLine"/>. One instance runs once.
/// </summary>
public sealed partial class DemoRunner
{
    private static readonly TimeSpan StatsTimeout = TimeSpan.FromSeconds(10);

    private readonly DemoOptions _options;
    private readonly TextWriter _out;
    private readonly DemoTally _tally = new();
    private readonly Stopwatch _clock = new();
    private readonly List<(string Phase, TimeSpan Elapsed)> _timings = [];
    private int _started;

    /// <summary>Creates a runner that prints its progress and report to <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> are invalid (all problems listed).</exception>
    public DemoRunner(DemoOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid demo options:\n  " + string.Join("\n  ", errors), nameof(options));
        }

        _options = options;
        _out = output;
    }

    /// <summary>
    /// Runs the demo. Never throws for what goes wrong inside it: a failure or cancellation ends the demo early,
    /// the testbed is removed (unless <see cref="DemoOptions.Keep"/> and not cancelled) and the report says so.
    /// The last line written is <see cref="DemoReport.SummaryLine"/>.
    /// </summary>
    /// <param name="cancellationToken">Stops the demo (Ctrl+C); teardown still runs to completion.</param>
    /// <exception cref="InvalidOperationException">This runner already ran.</exception>
    public async Task<DemoReport> RunAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("A DemoRunner runs once.");
        }

        _clock.Start();
        _out.WriteLine($"dts demo ({_options.Profile}): mechanism {_options.Mechanism}, {_options.NodeCount} nodes, "
            + $"wrk {_options.LoadDuration.TotalSeconds:0.#} s per run, {_options.DownloadsPerRoute} × {Size(_options.DownloadBytes)} download "
            + $"and {_options.UploadsPerRoute} × {Size(_options.UploadBytes)} upload per route");

        DtsTestbed? testbed = null;
        IReadOnlyList<DtsStats> nodes = [];
        bool cancelled = false;
        string? failure = null;
        try
        {
            testbed = await TimedAsync("up", () => UpAsync(cancellationToken)).ConfigureAwait(false);
            var baseline = await FetchStatsAsync(testbed, cancellationToken).ConfigureAwait(false);
            await TimedAsync("requests", () => VisibleRequestsAsync(testbed, cancellationToken)).ConfigureAwait(false);
            await TimedAsync("load", () => LoadAsync(testbed, cancellationToken)).ConfigureAwait(false);
            await TimedAsync("downloads", () => DownloadsAsync(testbed, cancellationToken)).ConfigureAwait(false);
            await TimedAsync("uploads", () => UploadsAsync(testbed, cancellationToken)).ConfigureAwait(false);
            CheckNodesRunning(testbed);
            var final = await FetchStatsAsync(testbed, cancellationToken).ConfigureAwait(false);
            nodes = [.. final.Zip(baseline, (after, before) => after.Since(before))];
            PrintNodes(nodes);
            await TimedAsync("failover", () => FailoverAsync(testbed, cancellationToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
            _out.WriteLine();
            _out.WriteLine("cancelled: stopping the clients and tearing the testbed down");
        }
        catch (Exception ex)
        {
            // The full message (a node exception carries its log tail) once; its first line in the report.
            failure = $"{ex.GetType().Name}: {ex.Message.Split('\n', 2)[0]}";
            _tally.AddErrors(1, "demo failed: " + failure);
            _out.WriteLine();
            _out.WriteLine($"demo failed: {ex.GetType().Name}: {ex.Message.TrimEnd()}");
            if (testbed is not null)
            {
                PrintNodeLogs(testbed);
            }
        }
        finally
        {
            if (testbed is not null)
            {
                await FinishTestbedAsync(testbed, keep: _options.Keep && !cancelled).ConfigureAwait(false);
            }
        }

        var report = new DemoReport
        {
            RunId = testbed?.RunId,
            Requests = _tally.Requests,
            Handovers = nodes.Sum(n => n.HandoversOut),
            HandoverFailures = nodes.Sum(n => n.HandoverFailures),
            Fallbacks = nodes.Sum(n => n.Fallbacks + n.Rejected),
            Errors = _tally.Errors,
            BytesOk = _tally.BytesOk,
            Cancelled = cancelled,
            Failure = failure,
            ErrorDescriptions = _tally.ErrorDescriptions,
            Nodes = nodes,
            FailoverMs = _failoverMs,
            RequestsLost = _requestsLost,
            Elapsed = _clock.Elapsed,
        };
        PrintEnd(report);
        return report;
    }

    private async Task<DtsTestbed> UpAsync(CancellationToken cancellationToken)
    {
        Section("testbed: switch, nodes, router and client in network namespaces");
        var sample = SampleNodeProgram.Locate();
        if (!sample.Exists)
        {
            throw new InvalidOperationException($"The sample node program is not built: {sample.DllPath} (./dts.sh builds Release).");
        }

        var testbed = await DtsTestbed.UpAsync(
            new TestbedOptions
            {
                Mechanism = _options.Mechanism,
                NodeCount = _options.NodeCount,
                NodeCommand = sample.Command,
                NodeWorkingDirectory = sample.WorkingDirectory,
                NodeSettings = SampleRoutes.NodeSettings(_options.NodeCount),
            },
            cancellationToken).ConfigureAwait(false);

        _out.WriteLine($"  run {testbed.RunId}: VIP {testbed.Vip}:{testbed.Port} (multicast MAC {testbed.VipMulticastMac}), client {testbed.ClientAddress} in {testbed.ClientNamespace}");
        for (int i = 1; i <= testbed.NodeCount; i++)
        {
            _out.WriteLine($"  {testbed.NodeId(i),-4} {testbed.NodeAddress(i),-13} {testbed.NodeNamespace(i),-22} pid {testbed.NodeProcessId(i)}  ready (/dts/health 200)");
        }

        _out.WriteLine($"  routes: / round robin over every node, /static → {SampleRoutes.ExpectedNode("/static", _options.NodeCount)}, "
            + $"/api → {SampleRoutes.ExpectedNode("/api", _options.NodeCount)}");
        return testbed;
    }

    /// <summary>Every node's <c>/dts/stats</c>, fetched from the client namespace through the router.</summary>
    private static async Task<IReadOnlyList<DtsStats>> FetchStatsAsync(DtsTestbed testbed, CancellationToken cancellationToken)
    {
        using var http = testbed.CreateClientHttpClient(StatsTimeout);
        var stats = new List<DtsStats>(testbed.NodeCount);
        for (int i = 1; i <= testbed.NodeCount; i++)
        {
            string json = await http.GetStringAsync(testbed.ManagementUri(i, "/dts/stats"), cancellationToken).ConfigureAwait(false);
            stats.Add(DtsStatsReader.Parse(json));
        }

        return stats;
    }

    private void CheckNodesRunning(DtsTestbed testbed)
    {
        for (int i = 1; i <= testbed.NodeCount; i++)
        {
            if (!testbed.IsNodeRunning(i))
            {
                _tally.AddErrors(1, $"node {testbed.NodeId(i)} exited during the demo");
            }
        }
    }

    private async Task FinishTestbedAsync(DtsTestbed testbed, bool keep)
    {
        if (keep)
        {
            testbed.Detach();
            Section($"testbed {testbed.RunId} kept (--keep)");
            _out.WriteLine($"  ip netns exec {testbed.ClientNamespace} curl -i http://{testbed.Vip}/whoami");
            _out.WriteLine($"  logs: {testbed.RunDirectory}/n<i>.log   remove: dts testbed down {testbed.RunId}");
            return;
        }

        try
        {
            // Not cancellable: Ctrl+C must leave nothing behind.
            await TimedAsync("down", async () =>
            {
                Section($"testbed {testbed.RunId} down: nodes stopped, namespaces and run directory removed");
                await testbed.DownAsync(CancellationToken.None).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
        }
        catch (TestbedCommandException ex)
        {
            _tally.AddErrors(1, $"teardown failed: {ex.Message}");
        }
    }

    private async Task<T> TimedAsync<T>(string phase, Func<Task<T>> action)
    {
        var started = _clock.Elapsed;
        try
        {
            return await action().ConfigureAwait(false);
        }
        finally
        {
            _timings.Add((phase, _clock.Elapsed - started));
        }
    }

    private Task<bool> TimedAsync(string phase, Func<Task> action) => TimedAsync(phase, async () =>
    {
        await action().ConfigureAwait(false);
        return true;
    });

    private void Section(string title)
    {
        _out.WriteLine();
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,5:0.0} s] {title}"));
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 30) == 0 => $"{bytes >> 30} GiB",
        >= 1L << 20 when bytes % (1L << 20) == 0 => $"{bytes >> 20} MiB",
        >= 1L << 10 when bytes % (1L << 10) == 0 => $"{bytes >> 10} KiB",
        _ => $"{bytes} B",
    };
}
