using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Dts.Bench;

/// <summary>
/// The JSON results file, in exactly this shape:
/// <c>{"commit", "date", "machine", "results": [{"mode", "workload", "requests", "rps", "p50_us", "p99_us",
/// "ttfb_p50_us", "ttfb_p99_us", "mbps", "origin_cpu_s", "target_cpu_s", "cpu_us_per_request", "bytes", "errors"}],
/// "phases": [{"mechanism", "side", "node", "phase", "p50_us", "p99_us", "count"}],
/// "phase_coverage": [{"mechanism", "side", "node", "fraction"}]}</c>. <c>mbps</c> is MB/s (10⁶ bytes per second);
/// <c>ttfb_*</c> is time to first byte (<see cref="BenchResult.TtfbP50Us"/>, w0's figure of merit);
/// <c>cpu_us_per_request</c> is <see cref="BenchResult.CpuUsPerRequest"/>; <c>side</c> is <c>origin</c> (n1) or
/// <c>target</c> (n3); <c>fraction</c> is 0–1. Rows without a valid measurement (<see cref="BenchResult.Missing"/>)
/// are left out; the Markdown report says why.
/// </summary>
public static class BenchJson
{
    /// <summary>The JSON text of <paramref name="report"/>.</summary>
    public static string Serialize(BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("commit", report.Commit);
            w.WriteString("date", report.Date);
            w.WriteString("machine", report.Machine);
            w.WriteStartArray("results");
            foreach (var r in report.Results.Where(r => r.Missing is null))
            {
                w.WriteStartObject();
                w.WriteString("mode", r.Mode.Name());
                w.WriteString("workload", r.Workload.Name());
                w.WriteNumber("requests", r.Requests);
                w.WriteNumber("rps", Math.Round(r.Rps, 1));
                w.WriteNumber("p50_us", Math.Round(r.P50Us, 1));
                w.WriteNumber("p99_us", Math.Round(r.P99Us, 1));
                w.WriteNumber("ttfb_p50_us", Math.Round(r.TtfbP50Us, 1));
                w.WriteNumber("ttfb_p99_us", Math.Round(r.TtfbP99Us, 1));
                w.WriteNumber("mbps", Math.Round(r.Mbps, 2));
                w.WriteNumber("origin_cpu_s", Math.Round(r.OriginCpuSeconds, 2));
                w.WriteNumber("target_cpu_s", Math.Round(r.TargetCpuSeconds, 2));
                w.WriteNumber("cpu_us_per_request", Math.Round(r.CpuUsPerRequest, 1));
                w.WriteNumber("bytes", r.Bytes);
                w.WriteNumber("errors", r.Errors);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("phases");
            foreach (var p in report.Phases)
            {
                w.WriteStartObject();
                w.WriteString("mechanism", p.Mechanism.Name());
                w.WriteString("side", p.Side);
                w.WriteString("node", p.Node);
                w.WriteString("phase", p.Phase);
                w.WriteNumber("p50_us", Math.Round(p.P50Us, 1));
                w.WriteNumber("p99_us", Math.Round(p.P99Us, 1));
                w.WriteNumber("count", p.Count);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("phase_coverage");
            foreach (var c in report.PhaseCoverage)
            {
                w.WriteStartObject();
                w.WriteString("mechanism", c.Mechanism.Name());
                w.WriteString("side", c.Side);
                w.WriteString("node", c.Node);
                w.WriteNumber("fraction", Math.Round(c.Fraction, 3));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Writes <see cref="Serialize"/> to <paramref name="path"/>, creating its directory.</summary>
    public static void Write(BenchReport report, string path)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        File.WriteAllText(path, Serialize(report));
    }
}
