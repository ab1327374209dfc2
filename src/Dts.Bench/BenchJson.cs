using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Dts.Bench;

/// <summary>
/// The JSON results file, in exactly this shape:
/// <c>{"commit", "date", "machine", "results": [{"mode", "workload", "rps", "p50_us", "p99_us", "mbps", "origin_cpu_s",
/// "target_cpu_s", "bytes", "errors"}]}</c>. <c>mbps</c> is MB/s (10⁶ bytes per second). Rows without a valid
/// measurement (<see cref="BenchResult.Missing"/>) are left out; the Markdown report says why.
/// </summary>
public static class BenchJson
{
    /// <summary>The JSON text of <paramref name="report"/>.</summary>
    public static string Serialize(BenchReport report)
    {
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
                w.WriteNumber("rps", Math.Round(r.Rps, 1));
                w.WriteNumber("p50_us", Math.Round(r.P50Us, 1));
                w.WriteNumber("p99_us", Math.Round(r.P99Us, 1));
                w.WriteNumber("mbps", Math.Round(r.Mbps, 2));
                w.WriteNumber("origin_cpu_s", Math.Round(r.OriginCpuSeconds, 2));
                w.WriteNumber("target_cpu_s", Math.Round(r.TargetCpuSeconds, 2));
                w.WriteNumber("bytes", r.Bytes);
                w.WriteNumber("errors", r.Errors);
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
