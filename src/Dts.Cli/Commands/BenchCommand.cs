using System.CommandLine;
using System.Globalization;
using Dts.Bench;
using Dts.Testbed;
using Dts.Testbed.Sample;

namespace Dts.Cli.Commands;

/// <summary><c>dts bench</c>: direct, Repair, Splice, YARP and nginx side by side on one testbed (Dts.Bench's <see cref="BenchRunner"/>).</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "2 rounds of 1.5 s per cell instead of 5 × 3 s (under 3 minutes instead of about 7)." };
        var json = new Option<string?>("--json") { Description = "Write the results as JSON to this file." };
        var chart = new Option<string?>("--chart") { Description = "Write the chart (SVG) to this file; default /tmp/dts-bench/bench-<time>.svg." };
        var modes = new Option<string?>("--modes") { Description = "Comma-separated subset of direct,repair,splice,yarp,nginx." };
        var workloads = new Option<string?>("--workloads") { Description = "Comma-separated subset of w0,w1,w2,w3,w4." };
        var rounds = new Option<int?>("--rounds") { Description = "Rounds (overrides the preset)." };
        var seconds = new Option<double?>("--seconds") { Description = "Seconds per cell and round (overrides the preset)." };
        var noReadme = new Option<bool>("--no-readme") { Description = "Do not write the results into README.md's '## Measured results' section." };

        var bench = new Command("bench", "Measure direct, repair, splice, yarp and nginx side by side (w0 one connection at a time, time to first byte; w1 new connection per 1 KiB request; w2 keep-alive; "
            + "w3 64 MiB downloads; w4 8 MiB uploads), print a Markdown report with ratios to direct and the targets, write JSON/chart/README. "
            + "Ends with 'dts-bench: …'; exit code 1 on any error (Splice's errors only mark it missing).")
        {
            quick, json, chart, modes, workloads, rounds, seconds, noReadme,
        };

        bench.SetAction(parse => CliErrors.RunAsync(async () =>
        {
            var options = parse.GetValue(quick) ? BenchOptions.CreateQuick() : BenchOptions.CreateFull();
            if (parse.GetValue(modes) is string m)
            {
                options = options with { Modes = ParseList<BenchMode>(m, BenchNames.TryParseMode, "mode") };
            }

            if (parse.GetValue(workloads) is string w)
            {
                options = options with { Workloads = ParseList<BenchWorkload>(w, BenchNames.TryParseWorkload, "workload") };
            }

            options = options with
            {
                Rounds = parse.GetValue(rounds) ?? options.Rounds,
                CellDuration = parse.GetValue(seconds) is double s ? TimeSpan.FromSeconds(s) : options.CellDuration,
                JsonPath = parse.GetValue(json),
                ChartPath = parse.GetValue(chart)
                    ?? Path.Combine("/tmp/dts-bench", $"bench-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.svg"),
                ReadmePath = parse.GetValue(noReadme) ? null : Path.Combine(SampleNodeProgram.Locate().RepositoryRoot, "README.md"),
            };
            var runner = new BenchRunner(options, Console.Out);

            return await CancelOnSignal.RunAsync("bench", async ct =>
            {
                await Leftovers.RemoveAsync(Console.Out, ct);
                return (await runner.RunAsync(ct)).ExitCode;
            });
        }).GetAwaiter().GetResult());
        return bench;
    }

    private delegate bool TryParse<T>(string text, out T value);

    private static T[] ParseList<T>(string text, TryParse<T> parse, string what) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => parse(s, out var v) ? v : throw new ArgumentException($"Unknown {what} '{s}'."))];
}
