using System.Globalization;
using Dts.Core.Telemetry;
using DtsTestbed = Dts.Testbed.Testbed;

namespace Dts.Demo;

public sealed partial class DemoRunner
{
    /// <summary>The nodes' counters for this run and the handover latency, per node and for the cluster.</summary>
    private void PrintNodes(IReadOnlyList<DtsStats> nodes)
    {
        Section("nodes: GET /dts/stats on every node (counters of this run; latency over each node's last 8192 handovers)");
        _out.WriteLine($"  {"node",-5} {"served",8} {"by handover",12} {"handovers out",14} {"in",7} {"failed",7} {"fallbacks",10} {"rejected",9} {"handover p50",13} {"p99",10}");
        foreach (var n in nodes)
        {
            _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {n.Node,-5} {n.Served,8} {n.ServedArrivedByHandover,12} {n.HandoversOut,14} {n.HandoversIn,7} {n.HandoverFailures,7} {n.Fallbacks,10} {n.Rejected,9} {Us(n.HandoverP50Us),13} {Us(n.HandoverP99Us),10}"));
        }

        double p50 = DemoLatency.CombinedP50(nodes.Select(n => (n.HandoverP50Us, n.HandoversOut)));
        double p99 = DemoLatency.CombinedP99(nodes.Select(n => (n.HandoverP99Us, n.HandoversOut)));
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {"all",-5} {nodes.Sum(n => n.Served),8} {nodes.Sum(n => n.ServedArrivedByHandover),12} {nodes.Sum(n => n.HandoversOut),14} {nodes.Sum(n => n.HandoversIn),7} {nodes.Sum(n => n.HandoverFailures),7} {nodes.Sum(n => n.Fallbacks),10} {nodes.Sum(n => n.Rejected),9} {Us(p50),13} {Us(p99),10}"));
        _out.WriteLine("  all: p50 = nodes' p50 weighted by their samples, p99 = the largest node p99 (an upper bound)");
        _out.WriteLine($"  the nodes served {nodes.Sum(n => n.Served)} requests; the clients counted {_tally.Requests} "
            + "(wrk does not count the requests still in flight when it stops)");

        var phases = DtsPhaseNames.All.Union(nodes.SelectMany(n => n.Phases.Keys).Order(StringComparer.Ordinal)).ToList();
        if (nodes.All(n => n.Phases.Values.All(p => p.Count == 0)))
        {
            _out.WriteLine("  no handover happened: no phase latencies");
            return;
        }

        _out.WriteLine();
        _out.WriteLine($"  handover phases (µs)  {string.Join(' ', nodes.Select(n => $"{n.Node + " p50",10}"))} {"all p50",10} {"all p99",10} {"samples",8}");
        foreach (string phase in phases)
        {
            var perNode = nodes.Select(n => n.Phases.TryGetValue(phase, out var s) ? s : new DtsPhaseStats(0, 0, 0)).ToList();
            double phaseP50 = DemoLatency.CombinedP50(perNode.Select(s => (s.P50Us, s.Count)));
            double phaseP99 = DemoLatency.CombinedP99(perNode.Select(s => (s.P99Us, s.Count)));
            _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {phase,-20} {string.Join(' ', perNode.Select(s => $"{(s.Count > 0 ? s.P50Us.ToString("0", CultureInfo.InvariantCulture) : "-"),10}"))} {phaseP50,10:0} {phaseP99,10:0} {perNode.Sum(s => s.Count),8}"));
        }

        _out.WriteLine($"  origin phases: {string.Join(' ', DtsPhaseNames.Origin)} (target = the target's own time); target phases: {string.Join(' ', DtsPhaseNames.Target)}");
        var coverage = nodes.Where(n => n.PhaseCoverage is not null).SelectMany(n => n.PhaseCoverage!.Select(c => $"{n.Node} {c.Key} {c.Value:P0}"));
        _out.WriteLine($"  phase coverage (median share of a handover's wall time the phases account for): {string.Join(", ", coverage)}");
    }

    private void PrintNodeLogs(DtsTestbed testbed)
    {
        for (int i = 1; i <= testbed.NodeCount; i++)
        {
            _out.WriteLine($"--- {testbed.NodeId(i)} log ({testbed.NodeLogPath(i)}), last lines:");
            _out.WriteLine(testbed.NodeLogTail(i, 10).TrimEnd());
        }
    }

    /// <summary>Timing, errors and the summary line — always the last line written.</summary>
    private void PrintEnd(DemoReport report)
    {
        _out.WriteLine();
        string phases = string.Join(", ", _timings.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Phase} {t.Elapsed.TotalSeconds:0.0} s")));
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"time: {phases}; total {report.Elapsed.TotalSeconds:0.0} s"));
        if (report.HandoverFailures > 0)
        {
            _out.WriteLine($"handover failures: {report.HandoverFailures} (each served by its route's fallback: not an error for the client)");
        }

        if (report.ErrorDescriptions.Count > 0)
        {
            _out.WriteLine($"errors ({report.Errors}{(report.Errors > report.ErrorDescriptions.Count ? ", first ones" : "")}):");
            foreach (string e in report.ErrorDescriptions)
            {
                _out.WriteLine("  - " + e);
            }
        }

        if (!report.BytesOk && report.Failure is null && !report.Cancelled)
        {
            _out.WriteLine($"bytes: {_tally.TransfersIntact} of {_tally.Transfers} transfers intact");
        }

        _out.WriteLine(report.SummaryLine);
        _out.Flush();
    }

    private static string Us(double us) => us <= 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{us:0} µs");
}
