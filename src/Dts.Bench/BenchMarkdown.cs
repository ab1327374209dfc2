using System.Globalization;
using System.Text;

namespace Dts.Bench;

/// <summary>The report as Markdown: results with ratios to direct, targets, handover phases.</summary>
public static class BenchMarkdown
{
    /// <summary>The title of the README section the report goes into.</summary>
    public const string SectionTitle = "## Measured results";

    /// <summary>The results, targets and phases as Markdown (no section title).</summary>
    public static string Render(BenchReport report)
    {
        var o = report.Options;
        var sb = new StringBuilder();
        Line(sb, $"`dts bench{(report.Profile == "quick" ? " --quick" : "")}` on {report.Date}, commit `{report.Commit}`, machine: {report.Machine}.");
        Line(sb, $"{o.Rounds} rounds × {o.CellDuration.TotalSeconds:0.#} s per cell, modes interleaved (rotated each round); {o.RequestConcurrency} concurrent requests in w1/w2, {o.TransferConcurrency} in w3/w4.");
        Line(sb, $"w1: new connection per request, {BenchPayloads.Size(o.SmallResponseBytes)}; w2: keep-alive, {BenchPayloads.Size(o.SmallResponseBytes)} (first request per connection not measured); w3: {BenchPayloads.Size(o.DownloadBytes)} downloads; w4: {BenchPayloads.Size(o.UploadBytes)} uploads. Every body checked (SHA-256 / byte for byte).");
        sb.Append("Origin = n1 (node process, plus nginx in the nginx mode; in the direct mode n1 is idle and its CPU is the baseline), target = n3. "
            + "MB/s = 10⁶ bytes/s of bodies. Absolute numbers on a shared 2-core machine are noise; ratios are the signal.\n");
        sb.Append('\n');
        sb.Append("| workload | mode | rps | rps × direct | p50 µs | p99 µs | MB/s | MB/s × direct | origin CPU s | target CPU s | origin CPU s/GiB | errors |\n");
        sb.Append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        foreach (var r in report.Results)
        {
            if (r.Missing is not null)
            {
                Line(sb, $"| {r.Workload.Name()} | {r.Mode.Name()} | missing: {Escape(r.Missing)} | | | | | | | | | {r.Errors} |");
                continue;
            }

            var direct = report.Results.FirstOrDefault(d => d.Mode == BenchMode.Direct && d.Workload == r.Workload && d.Missing is null);
            string gib = r.Workload.IsTransfer() ? Num(r.OriginCpuPerGiB, "0.000") : "";
            Line(sb, $"| {r.Workload.Name()} | {r.Mode.Name()} | {r.Rps:0} | {Ratio(r.Rps, direct?.Rps)} | {r.P50Us:0} | {r.P99Us:0} | {r.Mbps:0.0} | {Ratio(r.Mbps, direct?.Mbps)} | {r.OriginCpuSeconds:0.00} | {r.TargetCpuSeconds:0.00} | {gib} | {r.Errors} |");
        }

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

        if (report.Phases.Count > 0)
        {
            sb.Append('\n');
            sb.Append("Handover phases from the nodes' histograms (`/dts/stats`, last 8192 handovers of each node, warm-up included); rpc (origin) contains restore + adopt (target):\n\n");
            sb.Append("| mechanism | phase | node | p50 µs | p99 µs | samples |\n|---|---|---|--:|--:|--:|\n");
            foreach (var p in report.Phases)
            {
                Line(sb, $"| {p.Mechanism} | {p.Phase} | {p.Node} | {p.P50Us:0} | {p.P99Us:0} | {p.Count} |");
            }
        }

        return sb.ToString();
    }

    private static string Ratio(double value, double? baseline) =>
        baseline is > 0 ? (value / baseline.Value).ToString("0.00", CultureInfo.InvariantCulture) : "";

    private static string Num(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static void Line(StringBuilder sb, FormattableString text) => sb.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');
}
