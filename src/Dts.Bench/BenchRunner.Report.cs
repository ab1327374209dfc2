using System.Globalization;
using Dts.Core.Handover;
using Dts.Core.Telemetry;
using Dts.Testbed;

namespace Dts.Bench;

public sealed partial class BenchRunner
{
    /// <summary>
    /// The handover phases of each mechanism from its origin's and target's <c>/dts/stats</c> (every phase with samples,
    /// see <see cref="BenchPhases.From"/>), the coverage of each side, and the handovers that failed there (each one a
    /// fallback the client may not have noticed).
    /// </summary>
    private async Task<(IReadOnlyList<BenchPhase> Phases, IReadOnlyList<BenchPhaseCoverage> Coverage)> PhasesAsync(BenchCluster?[] clusters, CancellationToken cancellationToken)
    {
        var phases = new List<BenchPhase>();
        var coverage = new List<BenchPhaseCoverage>();
        Section("handover phases from the nodes' /dts/stats");
        foreach (var cluster in clusters.OfType<BenchCluster>())
        {
            var t = cluster.Testbed;
            using var http = t.CreateClientHttpClient(TimeSpan.FromSeconds(10));
            foreach (int node in new[] { BenchCluster.OriginNode, BenchCluster.TargetNode })
            {
                string json = await http.GetStringAsync(t.ManagementUri(node, "/dts/stats"), cancellationToken).ConfigureAwait(false);
                var stats = DtsStatsReader.Parse(json);
                if (node == BenchCluster.OriginNode && stats.HandoverFailures > 0)
                {
                    var mode = cluster.Mechanism == HandoverMechanism.Splice ? BenchMode.Splice : BenchMode.Repair;
                    _out.WriteLine($"  {cluster.Mechanism}: {stats.HandoverFailures} handovers failed on {stats.Node} (served by the fallback; see {t.NodeLogPath(node)})");
                    if (mode == BenchMode.Splice)
                    {
                        _missing.TryAdd(mode, $"{stats.HandoverFailures} handovers failed on the origin");
                    }
                }

                string side = node == BenchCluster.OriginNode ? BenchPhases.Origin : BenchPhases.Target;
                phases.AddRange(BenchPhases.From(cluster.Mechanism, side, stats));
                var c = BenchPhases.CoverageFrom(cluster.Mechanism, side, stats);
                if (c is not null)
                {
                    coverage.Add(c);
                }

                _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {cluster.Mechanism,-6} {side} {stats.Node}: phases {string.Join(' ', stats.Phases.Where(p => p.Value.Count > 0).Select(p => p.Key))}; coverage {(c is null ? "not reported" : $"{c.Fraction:P0}")}"));
            }
        }

        return (phases, coverage);
    }

    /// <summary>Prints the report and writes the JSON file, the chart and the README section.</summary>
    private void Publish(BenchReport report)
    {
        string markdown = BenchMarkdown.Render(report);
        Section("results");
        _out.WriteLine(markdown);
        WriteOutput("JSON", _options.JsonPath, path => BenchJson.Write(report, path));
        WriteOutput("chart", _options.ChartPath, path => BenchChart.Write(report, path));
        if (report.ExitCode == 0)
        {
            WriteOutput("README section", _options.ReadmePath, path => ReadmeSection.Write(path, BenchMarkdown.SectionTitle, markdown));
        }
        else if (_options.ReadmePath is not null)
        {
            _out.WriteLine("README not updated: the run failed");
        }

        string timing = string.Create(CultureInfo.InvariantCulture, $"time: {report.Elapsed.TotalSeconds:0.0} s");
        _out.WriteLine(timing);
        if (report.ErrorDescriptions.Count > 0)
        {
            _out.WriteLine($"errors (first ones; splice's counted apart: {report.SpliceErrors}):");
            foreach (string e in report.ErrorDescriptions)
            {
                _out.WriteLine("  - " + e);
            }
        }

        _out.WriteLine(report.SummaryLine);
        _out.Flush();
    }

    private void WriteOutput(string what, string? path, Action<string> write)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            write(path);
            _out.WriteLine($"{what}: {Path.GetFullPath(path)}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            AddError(BenchMode.Direct, $"writing the {what} to {path} failed: {ex.Message}");
            _out.WriteLine($"{what}: writing {path} failed: {ex.Message}");
        }
    }
}
