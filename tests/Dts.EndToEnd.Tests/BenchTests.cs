using System.Diagnostics;
using System.Text.Json;
using Dts.Core.Handover;
using Dts.EndToEnd.Tests.Infrastructure;
using Dts.Bench;

namespace Dts.EndToEnd.Tests;

/// <summary>
/// A tiny <c>dts bench</c> as a library call: its own Repair testbed, the C# load client on chosen source ports,
/// direct + repair + yarp, every workload with small sizes, one round. Runs in the demo's collection (alone) so
/// other testbeds don't share its two cores.
/// </summary>
[Collection(DemoCollection.Name)]
public sealed class BenchTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(40);

    [RootFact]
    public async Task RunAsync_Tiny_EveryRowVerifiedWithoutErrorsAndJsonInShape()
    {
        string dir = Directory.CreateTempSubdirectory("dts-bench-test-").FullName;
        var options = BenchOptions.CreateQuick() with
        {
            Modes = [BenchMode.Direct, BenchMode.Repair, BenchMode.Yarp],
            Rounds = 1,
            CellDuration = TimeSpan.FromSeconds(1),
            WarmupDuration = TimeSpan.FromSeconds(0.5),
            DownloadBytes = 4 << 20,
            UploadBytes = 1 << 20,
            JsonPath = Path.Combine(dir, "bench.json"),
            ChartPath = Path.Combine(dir, "bench.svg"),
        };
        var output = new StringWriter();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var stopwatch = Stopwatch.StartNew();
        var report = await new BenchRunner(options, output).RunAsync(cts.Token);
        stopwatch.Stop();

        string text = output.ToString();
        Assert.True(report.ExitCode == 0, text);
        Assert.Equal(0, report.Errors);
        Assert.Equal(report.SummaryLine, text.TrimEnd('\n').Split('\n')[^1]);
        Assert.Equal(15, report.Results.Count);
        Assert.All(report.Results, r =>
        {
            Assert.Null(r.Missing);
            Assert.Equal(0, r.Errors);
            Assert.True(r.Requests > 0, $"{r.Mode.Name()} {r.Workload.Name()}: no request\n{text}");
            Assert.True(r.Bytes > 0 && r.P50Us > 0 && r.P99Us >= r.P50Us, $"{r}");
            Assert.True(r.TtfbP50Us > 0 && r.TtfbP50Us <= r.P50Us && r.CpuUsPerRequest > 0, $"{r}");
        });
        // Every verified w3 request moved exactly the download size; the handovers happened (phases were recorded).
        Assert.All(report.Results.Where(r => r.Workload == BenchWorkload.W3), r => Assert.Equal(r.Requests * options.DownloadBytes, r.Bytes));
        Assert.Contains(report.Phases, p => p.Mechanism == HandoverMechanism.Repair && p.Phase == "network" && p.Count > 0);
        Assert.Contains(report.Phases, p => p.Phase == "restore" && p.Node == "n3" && p.Count > 0);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(options.JsonPath!));
        Assert.Equal(["commit", "date", "machine", "results", "phases", "phase_coverage"], json.RootElement.EnumerateObject().Select(p => p.Name));
        var rows = json.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(15, rows.Count);
        Assert.All(rows, row => Assert.Equal(0, row.GetProperty("errors").GetInt64()));
        Assert.All(rows, row => Assert.True(row.GetProperty("cpu_us_per_request").GetDouble() > 0 && row.GetProperty("requests").GetInt64() > 0));
        Assert.NotEmpty(json.RootElement.GetProperty("phases").EnumerateArray());
        Assert.StartsWith("<svg", await File.ReadAllTextAsync(options.ChartPath!), StringComparison.Ordinal);

        Assert.True(stopwatch.Elapsed < Budget, $"took {stopwatch.Elapsed.TotalSeconds:0.0} s\n{text}");
        Assert.DoesNotContain(global::Dts.Testbed.Testbed.List(), t => text.Contains(t.RunId, StringComparison.Ordinal));
        Directory.Delete(dir, recursive: true);
    }
}
