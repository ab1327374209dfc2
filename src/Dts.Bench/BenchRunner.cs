using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using Dts.Core.Handover;
using Dts.Testbed;
using Dts.Testbed.Processes;
using Dts.Testbed.Sample;
using DtsTestbed = Dts.Testbed.Testbed;

namespace Dts.Bench;

/// <summary>
/// <c>dts bench</c> (ARCHITECTURE.md §6): brings up a Repair testbed — and, when Splice is measured, a second testbed
/// with <c>Mechanism = Splice</c> at the same time, so both are measured in the same interleaved rounds — starts nginx
/// on the origin, and drives the load client (<see cref="BenchLoadClient"/>) through every (mode, workload) cell
/// round by round. It prints a Markdown report with ratios to direct, the CPU a handover adds, the targets, every
/// handover phase the nodes report and how much of a handover they cover, writes the
/// JSON file, the chart and the README section, tears everything down (also on failure and Ctrl+C) and ends with
/// <see cref="BenchReport.SummaryLine"/>. One instance runs once.
/// </summary>
public sealed partial class BenchRunner
{
    /// <summary>nginx's port on n1's unicast address.</summary>
    public const ushort NginxPort = 8080;

    private readonly BenchOptions _options;
    private readonly TextWriter _out;
    private readonly Stopwatch _clock = new();
    private readonly Dictionary<(BenchMode, BenchWorkload), List<BenchSample>> _samples = [];
    private readonly Dictionary<BenchMode, string> _missing = [];
    private readonly List<string> _errorDescriptions = [];
    private long _errors;
    private long _spliceErrors;
    private int _started;

    /// <summary>Creates a runner that prints its progress and report to <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> are invalid (all problems listed).</exception>
    public BenchRunner(BenchOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid bench options:\n  " + string.Join("\n  ", errors), nameof(options));
        }

        _options = options;
        _out = output;
    }

    /// <summary>
    /// Runs the benchmark. Never throws for what goes wrong inside it: the report says so and its exit code is 1.
    /// </summary>
    /// <exception cref="InvalidOperationException">This runner already ran.</exception>
    [SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The finally disposes nginx (DisposeAsync) before tearing the nodes and testbeds down.")]
    public async Task<BenchReport> RunAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("A BenchRunner runs once.");
        }

        _clock.Start();
        string date = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var sample = SampleNodeProgram.Locate();
        string commit = await BenchMachine.CommitAsync(sample.RepositoryRoot, cancellationToken).ConfigureAwait(false);
        string machine = BenchMachine.Describe();
        _out.WriteLine($"dts bench ({_options.Profile}): modes {string.Join(' ', _options.Modes.Select(m => m.Name()))}; workloads {string.Join(' ', _options.Workloads.Select(w => w.Name()))}; "
            + string.Create(CultureInfo.InvariantCulture, $"{_options.Rounds} rounds × {_options.CellDuration.TotalSeconds:0.#} s per cell"));
        _out.WriteLine($"  commit {commit}; {machine}");

        BenchCluster? repair = null, splice = null;
        NginxProxy? nginx = null;
        var testbeds = new List<DtsTestbed>();
        IReadOnlyList<BenchPhase> phases = [];
        IReadOnlyList<BenchPhaseCoverage> coverage = [];
        string? failure = null;
        bool cancelled = false;
        try
        {
            if (!sample.Exists)
            {
                throw new InvalidOperationException($"The sample node program is not built: {sample.DllPath} (./dts.sh builds Release).");
            }

            (repair, splice) = await UpAsync(sample, testbeds, cancellationToken).ConfigureAwait(false);
            if (_options.Modes.Contains(BenchMode.Nginx))
            {
                var t = repair.Testbed;
                nginx = await NginxProxy.StartAsync(
                    t,
                    BenchCluster.OriginNode,
                    new IPEndPoint(t.NodeAddress(BenchCluster.OriginNode), NginxPort),
                    new IPEndPoint(t.NodeAddress(BenchCluster.TargetNode), t.Port),
                    cancellationToken).ConfigureAwait(false);
                repair.ExtraOriginPids = nginx.ProcessIds;
                _out.WriteLine($"  {nginx}: {t.NodeAddress(BenchCluster.OriginNode)}:{NginxPort} → {t.NodeAddress(BenchCluster.TargetNode)}:{t.Port}, config src/Dts.Bench/nginx.conf");
            }

            var endpoints = _options.Modes
                .Where(m => m != BenchMode.Splice || splice is not null)
                .ToDictionary(m => m, m => BenchEndpoint.For(m, m == BenchMode.Splice ? splice! : repair, NginxPort));
            var payloads = new BenchPayloads(_options);
            await WarmupAsync(endpoints, payloads, cancellationToken).ConfigureAwait(false);
            await RoundsAsync(endpoints, payloads, cancellationToken).ConfigureAwait(false);
            (phases, coverage) = await PhasesAsync([repair, splice], cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
            _out.WriteLine();
            _out.WriteLine("cancelled: stopping the clients and tearing the testbeds down");
        }
        catch (Exception ex)
        {
            failure = $"{ex.GetType().Name}: {ex.Message.Split('\n', 2)[0]}";
            AddError(BenchMode.Direct, "bench failed: " + failure);
            _out.WriteLine();
            _out.WriteLine($"bench failed: {ex.GetType().Name}: {ex.Message.TrimEnd()}");
            foreach (var t in testbeds)
            {
                PrintNodeLogs(t);
            }
        }
        finally
        {
            // Not cancellable: Ctrl+C must leave nothing behind. nginx stops first, then the nodes and testbeds.
            if (nginx is not null)
            {
                await nginx.DisposeAsync().ConfigureAwait(false);
            }

            await TeardownAsync([repair, splice], testbeds).ConfigureAwait(false);
        }

        var report = new BenchReport
        {
            Commit = commit,
            Date = date,
            Machine = machine,
            Profile = _options.Profile,
            Options = _options,
            Results = Results(),
            Phases = phases,
            PhaseCoverage = coverage,
            Errors = _errors,
            SpliceErrors = _spliceErrors,
            ErrorDescriptions = _errorDescriptions,
            Failure = failure,
            Cancelled = cancelled,
            Elapsed = _clock.Elapsed,
        };
        Publish(report);
        return report;
    }

    /// <summary>Brings the Repair testbed up and, when Splice is measured, the Splice testbed beside it (same addresses, other namespaces).</summary>
    private async Task<(BenchCluster Repair, BenchCluster? Splice)> UpAsync(SampleNodeProgram sample, List<DtsTestbed> testbeds, CancellationToken cancellationToken)
    {
        TestbedOptions Options(HandoverMechanism mechanism) => new()
        {
            Mechanism = mechanism,
            NodeCount = 3,
            NodeCommand = sample.Command,
            NodeWorkingDirectory = sample.WorkingDirectory,
            NodeSettings = SampleRoutes.NodeSettings(3),
        };

        var repairUp = DtsTestbed.UpAsync(Options(HandoverMechanism.Repair), cancellationToken);
        var spliceUp = _options.Modes.Contains(BenchMode.Splice) ? DtsTestbed.UpAsync(Options(HandoverMechanism.Splice), cancellationToken) : null;
        DtsTestbed? repairBed = null;
        try
        {
            repairBed = await repairUp.ConfigureAwait(false);
        }
        finally
        {
            // Whatever happened to the Repair testbed, a Splice testbed that came up must be torn down too.
            if (spliceUp is not null)
            {
                try
                {
                    testbeds.Add(await spliceUp.ConfigureAwait(false));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _missing[BenchMode.Splice] = $"the Splice testbed did not come up: {ex.Message.Split('\n', 2)[0]}";
                    _out.WriteLine($"  splice: {_missing[BenchMode.Splice]}");
                }
            }

            if (repairBed is not null)
            {
                testbeds.Insert(0, repairBed);
            }
        }

        var clusters = new List<BenchCluster>();
        foreach (var t in testbeds)
        {
            // Ports of the pools come back often; let connect() reuse a client-side TIME_WAIT 4-tuple (timestamps protect it).
            (await t.RunInClientAsync("sysctl", ["-q", "-w", "net.ipv4.tcp_tw_reuse=1"], CommandRunner.SetupTimeout, cancellationToken).ConfigureAwait(false)).EnsureSuccess();
            var cluster = await BenchCluster.CreateAsync(t, t.Options.Mechanism).ConfigureAwait(false);
            clusters.Add(cluster);
            _out.WriteLine($"  {t.Options.Mechanism,-6} testbed {t.RunId}: VIP {t.Vip}:{t.Port}, client {t.ClientAddress}; "
                + $"origin {t.NodeId(BenchCluster.OriginNode)} pid {t.NodeProcessId(BenchCluster.OriginNode)}, target {t.NodeId(BenchCluster.TargetNode)} pid {t.NodeProcessId(BenchCluster.TargetNode)}; "
                + $"{cluster.OriginPorts.Count} client ports owned by {t.NodeId(BenchCluster.OriginNode)}, {cluster.TargetPorts.Count} by {t.NodeId(BenchCluster.TargetNode)}");
        }

        return (clusters[0], clusters.Count > 1 ? clusters[1] : null);
    }

    private async Task TeardownAsync(BenchCluster?[] clusters, List<DtsTestbed> testbeds)
    {
        // Not cancellable: Ctrl+C must leave nothing behind.
        foreach (var c in clusters)
        {
            c?.Dispose();
        }

        foreach (var t in testbeds)
        {
            try
            {
                await t.DownAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (TestbedCommandException ex)
            {
                AddError(BenchMode.Direct, $"teardown of {t.RunId} failed: {ex.Message}");
            }
        }

        if (testbeds.Count > 0)
        {
            _out.WriteLine();
            _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,5:0.0} s] testbeds {string.Join(' ', testbeds.Select(t => t.RunId))} down: nginx and nodes stopped, namespaces removed"));
        }
    }

    private void AddError(BenchMode mode, string description)
    {
        if (mode == BenchMode.Splice)
        {
            _spliceErrors++;
        }
        else
        {
            _errors++;
        }

        if (_errorDescriptions.Count < 20)
        {
            _errorDescriptions.Add($"{mode.Name()}: {description}");
        }
    }

    private void PrintNodeLogs(DtsTestbed testbed)
    {
        for (int i = 1; i <= testbed.NodeCount; i++)
        {
            _out.WriteLine($"--- {testbed.Options.Mechanism} {testbed.NodeId(i)} log ({testbed.NodeLogPath(i)}), last lines:");
            _out.WriteLine(testbed.NodeLogTail(i, 10).TrimEnd());
        }
    }
}
