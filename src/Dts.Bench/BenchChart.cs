using System.Globalization;
using System.Text;
using ScottPlot;

namespace Dts.Bench;

/// <summary>
/// The chart (ScottPlot, SVG): two panels side by side, bars per mode for each transfer workload — MB/s, and the
/// origin's CPU seconds per GiB moved (what a proxy in the data path costs; ~0 when the connection is handed over).
/// </summary>
public static class BenchChart
{
    private const int PanelWidth = 640;
    private const int PanelHeight = 420;

    private static readonly Color[] WorkloadColors = [Colors.SteelBlue, Colors.DarkOrange, Colors.SeaGreen, Colors.IndianRed];

    /// <summary>The SVG document of the chart.</summary>
    public static string RenderSvg(BenchReport report)
    {
        var rows = report.Results.Where(r => r.Missing is null).ToList();
        var workloads = rows.Select(r => r.Workload).Where(w => w.IsTransfer()).Distinct().Order().ToList();
        if (workloads.Count == 0)
        {
            workloads = [.. rows.Select(r => r.Workload).Distinct().Order()];
        }

        var modes = report.Options.Modes.Where(m => rows.Any(r => r.Mode == m)).ToList();
        string left = Panel(rows, modes, workloads, r => r.Mbps, "MB/s (higher is better)", "MB/s");
        string right = Panel(rows, modes, workloads, r => r.OriginCpuPerGiB, "origin CPU per GiB (lower is better)", "CPU s / GiB");
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{2 * PanelWidth}\" height=\"{PanelHeight + 30}\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"10\" y=\"20\" font-family=\"sans-serif\" font-size=\"13\">dts bench ({report.Profile}) {Xml(report.Date)}, commit {Xml(report.Commit)}</text>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<svg x=\"0\" y=\"30\" width=\"{PanelWidth}\" height=\"{PanelHeight}\">{StripXmlDeclaration(left)}</svg>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<svg x=\"{PanelWidth}\" y=\"30\" width=\"{PanelWidth}\" height=\"{PanelHeight}\">{StripXmlDeclaration(right)}</svg>\n");
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>Writes <see cref="RenderSvg"/> to <paramref name="path"/>, creating its directory.</summary>
    public static void Write(BenchReport report, string path)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        File.WriteAllText(path, RenderSvg(report));
    }

    private static string Panel(List<BenchResult> rows, List<BenchMode> modes, List<BenchWorkload> workloads, Func<BenchResult, double> value, string title, string yLabel)
    {
        using var plot = new Plot();
        double groupWidth = 0.8;
        double barWidth = groupWidth / workloads.Count;
        for (int wi = 0; wi < workloads.Count; wi++)
        {
            var bars = new List<Bar>();
            for (int mi = 0; mi < modes.Count; mi++)
            {
                var row = rows.FirstOrDefault(r => r.Mode == modes[mi] && r.Workload == workloads[wi]);
                if (row is null)
                {
                    continue;
                }

                bars.Add(new Bar
                {
                    Position = mi - (groupWidth / 2) + (barWidth * (wi + 0.5)),
                    Value = value(row),
                    Size = barWidth * 0.95,
                    FillColor = WorkloadColors[wi % WorkloadColors.Length],
                });
            }

            var plottable = plot.Add.Bars(bars);
            plottable.LegendText = workloads[wi].Name();
        }

        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, modes.Count).Select(i => (double)i)], [.. modes.Select(m => m.Name())]);
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetSvgXml(PanelWidth, PanelHeight);
    }

    private static string StripXmlDeclaration(string svg) =>
        svg.StartsWith("<?xml", StringComparison.Ordinal) ? svg[(svg.IndexOf("?>", StringComparison.Ordinal) + 2)..] : svg;

    private static string Xml(string text) => System.Security.SecurityElement.Escape(text) ?? "";
}
