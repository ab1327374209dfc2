using System.Globalization;
using System.Text;

namespace Dts.Bench;

/// <summary>
/// The report as Markdown: results with ratios to direct, the CPU a handover adds, the latency context of the
/// targets (w0 alone, w1 under load), the targets, the handover phases and their coverage.
/// </summary>
public static class BenchMarkdown
{
    /// <summary>The title of the README section the report goes into.</summary>
    public const string SectionTitle = "## Measured results";

    private static readonly BenchMode[] HandoverModes = [BenchMode.Repair, BenchMode.Splice];

    /// <summary>The results, targets and phases as Markdown (no section title).</summary>
    public static string Render(BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var o = report.Options;
        var sb = new StringBuilder();
        Line(sb, $"`dts bench{(report.Profile == "quick" ? " --quick" : "")}` on {report.Date}, commit `{report.Commit}`, machine: {report.Machine}.");
        Line(sb, $"{o.Rounds} rounds × {o.CellDuration.TotalSeconds:0.#} s per cell, modes interleaved (rotated each round); 1 request at a time in w0, {o.RequestConcurrency} concurrent in w1/w2, {o.TransferConcurrency} in w3/w4.");
        Line(sb, $"w0: one connection at a time, new connection per request, {BenchPayloads.Size(o.SmallResponseBytes)} (its figure is TTFB); w1: new connection per request, {BenchPayloads.Size(o.SmallResponseBytes)}; w2: keep-alive, {BenchPayloads.Size(o.SmallResponseBytes)} (first request per connection not measured); w3: {BenchPayloads.Size(o.DownloadBytes)} downloads; w4: {BenchPayloads.Size(o.UploadBytes)} uploads. Every body checked (SHA-256 / byte for byte).");
        sb.Append("p50/p99 = request start (connect included) to body read and checked; TTFB = request start (connect included) to response headers read. "
            + "Origin = n1 (node process, plus nginx in the nginx mode; in the direct mode n1 is idle and its CPU is the baseline), target = n3. "
            + "CPU µs/req = (origin + target CPU, user + system, from /proc in 10 ms ticks, summed over the rounds) × 10⁶ / requests. "
            + "MB/s = 10⁶ bytes/s of bodies. Absolute numbers on a shared 2-core machine are noise; ratios are the signal.\n");
        sb.Append('\n');
        sb.Append("| workload | mode | requests | rps | rps × direct | p50 µs | p99 µs | TTFB p50 µs | TTFB p99 µs | MB/s | MB/s × direct | origin CPU s | target CPU s | CPU µs/req | origin CPU s/GiB | errors |\n");
        sb.Append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        foreach (var r in report.Results)
        {
            if (r.Missing is not null)
            {
                Line(sb, $"| {r.Workload.Name()} | {r.Mode.Name()} | missing: {Escape(r.Missing)} | | | | | | | | | | | | | {r.Errors} |");
                continue;
            }

            var direct = Direct(report, r.Workload);
            string gib = r.Workload.IsTransfer() ? Num(r.OriginCpuPerGiB, "0.000") : "";
            Line(sb, $"| {r.Workload.Name()} | {r.Mode.Name()} | {r.Requests} | {r.Rps:0} | {Ratio(r.Rps, direct?.Rps)} | {r.P50Us:0} | {r.P99Us:0} | {r.TtfbP50Us:0} | {r.TtfbP99Us:0} | {r.Mbps:0.0} | {Ratio(r.Mbps, direct?.Mbps)} | {r.OriginCpuSeconds:0.00} | {r.TargetCpuSeconds:0.00} | {r.CpuUsPerRequest:0} | {gib} | {r.Errors} |");
        }

        CpuPerHandover(sb, report);
        sb.Append('\n');
        Context(sb, report, BenchWorkload.W0, "w0 (one connection at a time) TTFB", r => (r.TtfbP50Us, r.TtfbP99Us));
        Context(sb, report, BenchWorkload.W1, $"Under load (w1, {o.RequestConcurrency} concurrent new connections) latency", r => (r.P50Us, r.P99Us));
        sb.Append('\n');
        sb.Append("| target | measured | result |\n|---|---|---|\n");
        foreach (var t in report.Targets)
        {
            string result = t.Met switch
            {
                true => "met",
                false => "**missed**: " + t.Shortfall,
                null => "n/a: " + t.Shortfall,
            };
            Line(sb, $"| {Escape(t.Name)} | {Escape(t.Measured)} | {Escape(result)} |");
        }

        Phases(sb, report);
        return sb.ToString();
    }

    /// <summary>For repair and splice in w0 and w1 (one handover per request): CPU µs per request minus direct's.</summary>
    private static void CpuPerHandover(StringBuilder sb, BenchReport report)
    {
        var rows = report.Results
            .Where(r => r.Missing is null && r.Workload is BenchWorkload.W0 or BenchWorkload.W1 && HandoverModes.Contains(r.Mode))
            .Select(r => (Row: r, Direct: Direct(report, r.Workload)))
            .Where(x => x.Direct is not null)
            .ToList();
        if (rows.Count == 0)
        {
            return;
        }

        sb.Append('\n');
        sb.Append("CPU per handover added = cpu_us_per_request − direct's (one handover per request in w0 and w1; ± = one /proc tick per process and cell):\n\n");
        sb.Append("| workload | mode | CPU µs/req | direct's | added per handover µs |\n|---|---|--:|--:|--:|\n");
        foreach (var (r, d) in rows)
        {
            Line(sb, $"| {r.Workload.Name()} | {r.Mode.Name()} | {r.CpuUsPerRequest:0} ± {r.CpuResolutionUsPerRequest:0} | {d!.CpuUsPerRequest:0} ± {d.CpuResolutionUsPerRequest:0} | {BenchTargets.CpuAddedUsPerRequest(r, d):0} ± {r.CpuResolutionUsPerRequest + d.CpuResolutionUsPerRequest:0} |");
        }
    }

    /// <summary>One line of p50/p99 per mode for the targets' context: direct, repair, splice.</summary>
    private static void Context(StringBuilder sb, BenchReport report, BenchWorkload workload, string what, Func<BenchResult, (double P50, double P99)> value)
    {
        var parts = new List<string>();
        foreach (var mode in new[] { BenchMode.Direct, BenchMode.Repair, BenchMode.Splice })
        {
            var r = report.Results.FirstOrDefault(x => x.Mode == mode && x.Workload == workload && x.Missing is null);
            if (r is not null)
            {
                var (p50, p99) = value(r);
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{mode.Name()} {p50:0} / {p99:0} µs"));
            }
        }

        if (parts.Count > 0)
        {
            Line(sb, $"{what} p50 / p99: {string.Join("; ", parts)}.  ");
        }
    }

    private static void Phases(StringBuilder sb, BenchReport report)
    {
        if (report.Phases.Count == 0)
        {
            return;
        }

        sb.Append('\n');
        sb.Append("Handover phases from the nodes' histograms (`/dts/stats`, last 8192 handovers of each node, warm-up included): origin side from n1, target side from n3, "
            + "every phase with samples (known ones first, then the others in the node's order); the origin's `target` is the target's own time as its answer reports it:\n\n");
        sb.Append("| mechanism | side | phase | node | p50 µs | p99 µs | samples |\n|---|---|---|---|--:|--:|--:|\n");
        foreach (var p in report.Phases)
        {
            Line(sb, $"| {p.Mechanism} | {p.Side} | {p.Phase} | {p.Node} | {p.P50Us:0} | {p.P99Us:0} | {p.Count} |");
        }

        sb.Append('\n');
        if (report.PhaseCoverage.Count == 0)
        {
            sb.Append("Phase coverage: not reported by the nodes (their `/dts/stats` has no `phaseCoverage`).\n");
            return;
        }

        sb.Append("Phase coverage (median fraction of a handover's wall time the side's phases cover):\n\n");
        sb.Append("| mechanism | side | node | coverage |\n|---|---|---|--:|\n");
        foreach (var c in report.PhaseCoverage)
        {
            Line(sb, $"| {c.Mechanism} | {c.Side} | {c.Node} | {c.Fraction:P0} |");
        }
    }

    private static BenchResult? Direct(BenchReport report, BenchWorkload workload) =>
        report.Results.FirstOrDefault(d => d.Mode == BenchMode.Direct && d.Workload == workload && d.Missing is null);

    private static string Ratio(double value, double? baseline) =>
        baseline is > 0 ? (value / baseline.Value).ToString("0.00", CultureInfo.InvariantCulture) : "";

    private static string Num(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static void Line(StringBuilder sb, FormattableString text) => sb.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');
}
