using System.Net;
using System.Text.Json;
using Dts.Core.Handover;
using Dts.Core.Telemetry;

namespace Dts.Bench.Tests;

/// <summary>Targets, the JSON shape, the Markdown table, phases and coverage, the README section and the nginx configuration.</summary>
public sealed class BenchReportingTests
{
    private static BenchResult Row(
        BenchMode m, BenchWorkload w, double rps = 100, double p50 = 1000, double mbps = 100, double originCpu = 1, long bytes = 1L << 30, string? missing = null,
        double ttfb = 500, double targetCpu = 1, long requests = 10) =>
        new(m, w, requests, rps, p50, 2 * p50, mbps, originCpu, targetCpu, bytes, 0, 1, missing) { TtfbP50Us = ttfb, TtfbP99Us = 3 * ttfb, Cells = 2 };

    private static BenchReport Report(params BenchResult[] rows) => new()
    {
        Commit = "abc123",
        Date = "2026-01-01T00:00:00Z",
        Machine = "test machine",
        Profile = "quick",
        Options = BenchOptions.CreateQuick(),
        Results = rows,
    };

    private static BenchTargetCheck Target(IReadOnlyList<BenchTargetCheck> checks, string name) =>
        checks.Single(c => c.Name.StartsWith(name, StringComparison.Ordinal));

    /// <summary>A w1 row whose CPU per request is <paramref name="direct"/>'s plus <paramref name="addedUs"/>.</summary>
    private static BenchResult CpuRow(BenchMode m, BenchResult direct, double addedUs)
    {
        double total = (direct.OriginCpuSeconds + direct.TargetCpuSeconds) + addedUs * direct.Requests / 1e6;
        return Row(m, BenchWorkload.W1, requests: direct.Requests, originCpu: total / 2, targetCpu: total / 2);
    }

    [Fact]
    public void Check_RepairMeetsW3AndMissesW1Rps_SaysByHowMuch()
    {
        var checks = BenchTargets.Check(
        [
            Row(BenchMode.Direct, BenchWorkload.W3, mbps: 1000, originCpu: 0),
            Row(BenchMode.Repair, BenchWorkload.W3, mbps: 960, originCpu: 0.01),
            Row(BenchMode.Yarp, BenchWorkload.W3, mbps: 400, originCpu: 1),
            Row(BenchMode.Direct, BenchWorkload.W1, rps: 4000, p50: 1700),
            Row(BenchMode.Repair, BenchWorkload.W1, rps: 1000, p50: 6300),
        ]);

        Assert.True(Target(checks, "w3 MB/s: repair ≥ 0.95").Met);
        Assert.True(Target(checks, "w3 MB/s: repair ≥ 2").Met);
        Assert.True(Target(checks, "w3 origin CPU").Met);
        var rps = Target(checks, "w1 rps: repair ≥ 0.5 × direct");
        Assert.False(rps.Met);
        Assert.Contains("0.25 vs 0.50", rps.Shortfall, StringComparison.Ordinal);
        Assert.DoesNotContain(checks, c => c.Name.StartsWith("w1 p50", StringComparison.Ordinal));
        Assert.All(checks.Where(c => c.Name.Contains("splice", StringComparison.Ordinal)), c => Assert.Null(c.Met));
        Assert.All(checks.Where(c => c.Name.StartsWith("w0", StringComparison.Ordinal)), c => Assert.Equal("not measured in this run", c.Shortfall));
    }

    [Fact]
    public void Check_SpliceMissing_IsNotApplicableWithTheReason()
    {
        var checks = BenchTargets.Check([Row(BenchMode.Direct, BenchWorkload.W3), Row(BenchMode.Splice, BenchWorkload.W3, missing: "fell back")]);
        var splice = Target(checks, "w3 MB/s: splice");
        Assert.Null(splice.Met);
        Assert.Contains("fell back", splice.Shortfall, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_W0_ComparesTtfbNotLatency_AtTheAllowedMargins()
    {
        var direct = Row(BenchMode.Direct, BenchWorkload.W0, p50: 900, ttfb: 800);
        // repair exactly at its margin (met) with a full latency far over it; splice 1 µs over its margin.
        var checks = BenchTargets.Check(
        [
            direct,
            Row(BenchMode.Repair, BenchWorkload.W0, p50: direct.P50Us + 5000, ttfb: direct.TtfbP50Us + 300),
            Row(BenchMode.Splice, BenchWorkload.W0, p50: direct.P50Us, ttfb: direct.TtfbP50Us + 601),
        ]);

        var repair = Target(checks, "w0 TTFB p50: repair ≤ direct + 300 µs");
        Assert.True(repair.Met);
        Assert.StartsWith("direct + 300 µs", repair.Measured, StringComparison.Ordinal);
        var splice = Target(checks, "w0 TTFB p50: splice ≤ direct + 600 µs");
        Assert.False(splice.Met);
        Assert.Equal("over by 1 µs", splice.Shortfall);
    }

    [Fact]
    public void Check_W1CpuPerHandover_RepairUnderSpliceOver_WithResolution()
    {
        var direct = Row(BenchMode.Direct, BenchWorkload.W1, originCpu: 0.05, targetCpu: 2.0, requests: 10_000);
        var repair = CpuRow(BenchMode.Repair, direct, addedUs: 250);
        var splice = CpuRow(BenchMode.Splice, direct, addedUs: 350);

        var checks = BenchTargets.Check([direct, repair, splice]);

        Assert.Equal(250, BenchTargets.CpuAddedUsPerRequest(repair, direct), 6);
        var r = Target(checks, "w1 CPU per handover: repair");
        Assert.True(r.Met);
        Assert.Contains($"± {repair.CpuResolutionUsPerRequest + direct.CpuResolutionUsPerRequest:0} µs", r.Measured, StringComparison.Ordinal);
        var s = Target(checks, "w1 CPU per handover: splice");
        Assert.False(s.Met);
        Assert.Equal("over by 50 µs", s.Shortfall);
    }

    [Fact]
    public void Check_W1Rps_RepairAndSpliceAgainstYarp()
    {
        var yarp = Row(BenchMode.Yarp, BenchWorkload.W1, rps: 3000);
        var checks = BenchTargets.Check(
        [
            Row(BenchMode.Direct, BenchWorkload.W1, rps: 2 * yarp.Rps),
            yarp,
            Row(BenchMode.Repair, BenchWorkload.W1, rps: yarp.Rps),
            Row(BenchMode.Splice, BenchWorkload.W1, rps: 0.9 * yarp.Rps),
        ]);

        Assert.True(Target(checks, "w1 rps: repair ≥ yarp").Met);
        Assert.True(Target(checks, "w1 rps: repair ≥ 0.5 × direct").Met);
        var splice = Target(checks, "w1 rps: splice ≥ yarp");
        Assert.False(splice.Met);
        Assert.Equal("0.90 × yarp", splice.Measured);
        Assert.Equal(11, checks.Count);
    }

    [Fact]
    public void Serialize_HasExactlyTheIssuesShape_AndLeavesMissingRowsOut()
    {
        var repair = Row(BenchMode.Repair, BenchWorkload.W0, originCpu: 0.6, targetCpu: 0.9, requests: 3000, ttfb: 700);
        var report = Report(repair, Row(BenchMode.Splice, BenchWorkload.W3, missing: "x")) with
        {
            Phases = [new BenchPhase(HandoverMechanism.Repair, BenchPhases.Origin, "queue", "n1", 12, 40, 3000)],
            PhaseCoverage = [new BenchPhaseCoverage(HandoverMechanism.Repair, BenchPhases.Target, "n3", 0.875)],
        };
        using var doc = JsonDocument.Parse(BenchJson.Serialize(report));
        var root = doc.RootElement;
        Assert.Equal(["commit", "date", "machine", "results", "phases", "phase_coverage"], root.EnumerateObject().Select(p => p.Name));
        var row = Assert.Single(root.GetProperty("results").EnumerateArray());
        Assert.Equal(
            ["mode", "workload", "requests", "rps", "p50_us", "p99_us", "ttfb_p50_us", "ttfb_p99_us", "mbps", "origin_cpu_s", "target_cpu_s", "cpu_us_per_request", "bytes", "errors"],
            row.EnumerateObject().Select(p => p.Name));
        Assert.Equal("repair", row.GetProperty("mode").GetString());
        Assert.Equal("w0", row.GetProperty("workload").GetString());
        Assert.Equal(repair.Requests, row.GetProperty("requests").GetInt64());
        Assert.Equal(repair.TtfbP50Us, row.GetProperty("ttfb_p50_us").GetDouble());
        Assert.Equal(repair.TtfbP99Us, row.GetProperty("ttfb_p99_us").GetDouble());
        Assert.Equal((repair.OriginCpuSeconds + repair.TargetCpuSeconds) * 1e6 / repair.Requests, row.GetProperty("cpu_us_per_request").GetDouble(), 1);
        Assert.Equal(1L << 30, row.GetProperty("bytes").GetInt64());
        Assert.Equal(JsonValueKind.Number, row.GetProperty("errors").ValueKind);

        var phase = Assert.Single(root.GetProperty("phases").EnumerateArray());
        Assert.Equal(["mechanism", "side", "node", "phase", "p50_us", "p99_us", "count"], phase.EnumerateObject().Select(p => p.Name));
        Assert.Equal("repair", phase.GetProperty("mechanism").GetString());
        Assert.Equal("queue", phase.GetProperty("phase").GetString());
        var coverage = Assert.Single(root.GetProperty("phase_coverage").EnumerateArray());
        Assert.Equal(["mechanism", "side", "node", "fraction"], coverage.EnumerateObject().Select(p => p.Name));
        Assert.Equal("target", coverage.GetProperty("side").GetString());
        Assert.Equal(report.PhaseCoverage[0].Fraction, coverage.GetProperty("fraction").GetDouble());
    }

    [Fact]
    public void Render_RatiosToDirect_AndMissingRowsSayWhy()
    {
        string md = BenchMarkdown.Render(Report(
            Row(BenchMode.Direct, BenchWorkload.W3, mbps: 400),
            Row(BenchMode.Repair, BenchWorkload.W3, mbps: 300),
            Row(BenchMode.Splice, BenchWorkload.W3, missing: "handovers fell back")));
        Assert.Contains("| w3 | repair | 10 | 100 | 1.00 | 1000 | 2000 | 500 | 1500 | 300.0 | 0.75 |", md, StringComparison.Ordinal);
        Assert.Contains("| w3 | splice | missing: handovers fell back |", md, StringComparison.Ordinal);
        Assert.Contains("commit `abc123`", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_CpuPerHandoverAndW1P99_ForRepairAndSplice()
    {
        var direct = Row(BenchMode.Direct, BenchWorkload.W1, p50: 1000, originCpu: 0.05, targetCpu: 2.0, requests: 10_000);
        var repair = CpuRow(BenchMode.Repair, direct, addedUs: 250) with { P50Us = 4000, P99Us = 15000 };
        var splice = CpuRow(BenchMode.Splice, direct, addedUs: 350) with { P50Us = 6000, P99Us = 21000 };

        string md = BenchMarkdown.Render(Report(direct, repair, splice));

        Assert.Contains("CPU per handover added = cpu_us_per_request − direct's", md, StringComparison.Ordinal);
        Assert.Contains($"| w1 | repair | {repair.CpuUsPerRequest:0} ± {repair.CpuResolutionUsPerRequest:0} | {direct.CpuUsPerRequest:0} ± {direct.CpuResolutionUsPerRequest:0} | 250 ± ", md, StringComparison.Ordinal);
        Assert.Contains("| w1 | splice | ", md, StringComparison.Ordinal);
        Assert.DoesNotContain("| w1 | direct | " + $"{direct.CpuUsPerRequest:0} ±", md, StringComparison.Ordinal);
        string context = md.Split('\n').Single(l => l.StartsWith("Under load (w1", StringComparison.Ordinal));
        Assert.Contains($"repair {repair.P50Us:0} / {repair.P99Us:0} µs", context, StringComparison.Ordinal);
        Assert.Contains($"splice {splice.P50Us:0} / {splice.P99Us:0} µs", context, StringComparison.Ordinal);
        Assert.True(md.IndexOf(context, StringComparison.Ordinal) < md.IndexOf("| target |", StringComparison.Ordinal));
    }

    [Fact]
    public void From_StatsWithNewPhases_KnownOnesFirstThenTheNodesOrder_WithoutEmptyOnes()
    {
        // The node's dictionary order: a new phase before a known one, one with no samples, one after.
        var phases = new Dictionary<string, DtsPhaseStats>
        {
            ["queue"] = new(10, 20, 5),
            ["network"] = new(300, 900, 5),
            ["restore"] = new(0, 0, 0),
            ["nft"] = new(50, 80, 5),
            ["ack-wait"] = new(7, 9, 5),
        };
        var stats = new DtsStats("n1", 0, 0, 5, 0, 0, 0, 0, 400, 1000, phases) { PhaseCoverage = new Dictionary<string, double> { ["origin"] = 0.92, ["target"] = 0.5 } };

        var list = BenchPhases.From(HandoverMechanism.Splice, BenchPhases.Origin, stats).ToList();

        Assert.Equal(["nft", "network", "queue", "ack-wait"], list.Select(p => p.Phase));
        Assert.All(list, p => Assert.Equal((HandoverMechanism.Splice, "origin", "n1"), (p.Mechanism, p.Side, p.Node)));
        Assert.Equal(phases["queue"].P99Us, list[2].P99Us);
        Assert.Equal(stats.PhaseCoverage["origin"], BenchPhases.CoverageFrom(HandoverMechanism.Splice, BenchPhases.Origin, stats)!.Fraction);
        Assert.Null(BenchPhases.CoverageFrom(HandoverMechanism.Splice, BenchPhases.Origin, stats with { PhaseCoverage = null }));
    }

    [Fact]
    public void Render_PhasesAndCoverage_EveryPhaseAndEachSide()
    {
        var report = Report(Row(BenchMode.Repair, BenchWorkload.W0)) with
        {
            Phases =
            [
                new BenchPhase(HandoverMechanism.Repair, BenchPhases.Origin, "nft", "n1", 50, 80, 9),
                new BenchPhase(HandoverMechanism.Repair, BenchPhases.Origin, "queue", "n1", 12, 40, 9),
                new BenchPhase(HandoverMechanism.Repair, BenchPhases.Target, "restore", "n3", 200, 300, 9),
            ],
            PhaseCoverage =
            [
                new BenchPhaseCoverage(HandoverMechanism.Repair, BenchPhases.Origin, "n1", 0.9),
                new BenchPhaseCoverage(HandoverMechanism.Repair, BenchPhases.Target, "n3", 0.75),
            ],
        };

        string md = BenchMarkdown.Render(report);

        Assert.Contains("| Repair | origin | queue | n1 | 12 | 40 | 9 |", md, StringComparison.Ordinal);
        Assert.Contains("| Repair | target | restore | n3 | 200 | 300 | 9 |", md, StringComparison.Ordinal);
        Assert.Contains("| Repair | origin | n1 | 90 % |", md, StringComparison.Ordinal);
        Assert.Contains("| Repair | target | n3 | 75 % |", md, StringComparison.Ordinal);
        Assert.Contains("not reported by the nodes", BenchMarkdown.Render(report with { PhaseCoverage = [] }), StringComparison.Ordinal);
    }

    [Fact]
    public void Replace_ExistingSectionInTheMiddle_MovesItToTheEndAndKeepsTheRest()
    {
        const string readme = "# T\n\nintro\n\n## Measured results\n\nold\n\n```\n## not a heading\n```\n\n## Layout\n\ntree\n";
        string result = ReadmeSection.Replace(readme, "## Measured results", "new table\n");
        Assert.Equal("# T\n\nintro\n\n## Layout\n\ntree\n\n## Measured results\n\nnew table\n", result);
        Assert.Equal(result, ReadmeSection.Replace(result, "## Measured results", "new table\n"));
    }

    [Fact]
    public void Replace_NoSection_Appends()
    {
        Assert.Equal("# T\n\n## Measured results\n\nx\n", ReadmeSection.Replace("# T\n", "## Measured results", "x"));
    }

    [Fact]
    public void Render_NginxTemplate_FillsEveryPlaceholderWithKeepAliveUpstream()
    {
        string conf = NginxProxy.Render("/run/x", IPEndPoint.Parse("198.18.0.11:8080"), IPEndPoint.Parse("198.18.0.13:80"));
        Assert.DoesNotContain("{{", conf, StringComparison.Ordinal);
        Assert.Contains("listen 198.18.0.11:8080", conf, StringComparison.Ordinal);
        Assert.Contains("server 198.18.0.13:80;", conf, StringComparison.Ordinal);
        Assert.Contains("keepalive 32;", conf, StringComparison.Ordinal);
        Assert.Contains("proxy_http_version 1.1;", conf, StringComparison.Ordinal);
        Assert.Contains("proxy_set_header Connection \"\";", conf, StringComparison.Ordinal);
        Assert.Contains("client_max_body_size 16m;", conf, StringComparison.Ordinal);
        Assert.Contains("access_log off;", conf, StringComparison.Ordinal);
        Assert.Contains("pid /run/x/nginx.pid;", conf, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderSvg_TransferRows_IsAnSvgWithBothPanels()
    {
        string svg = BenchChart.RenderSvg(Report(
            Row(BenchMode.Direct, BenchWorkload.W3), Row(BenchMode.Repair, BenchWorkload.W3), Row(BenchMode.Yarp, BenchWorkload.W3, originCpu: 2)));
        Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
        Assert.Contains("MB/s", svg, StringComparison.Ordinal);
        Assert.Contains("origin CPU per GiB", svg, StringComparison.Ordinal);
        Assert.Contains("yarp", svg, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Repair", BenchMode.Repair)]
    [InlineData(" nginx ", BenchMode.Nginx)]
    public void TryParseMode_Names_CaseInsensitive(string text, BenchMode expected)
    {
        Assert.True(BenchNames.TryParseMode(text, out var mode));
        Assert.Equal(expected, mode);
        Assert.False(BenchNames.TryParseMode("haproxy", out _));
    }

    [Fact]
    public void Validate_Presets_AreValid_AndQuickIsShorter()
    {
        Assert.Empty(BenchOptions.CreateFull().Validate());
        Assert.Empty(BenchOptions.CreateQuick().Validate());
        Assert.NotEmpty((BenchOptions.CreateQuick() with { Rounds = 0, ChartPath = "x.pdf" }).Validate());
    }
}
