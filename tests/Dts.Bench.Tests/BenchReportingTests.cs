using System.Net;
using System.Text.Json;

namespace Dts.Bench.Tests;

/// <summary>Targets, the JSON shape, the Markdown table, the README section and the nginx configuration.</summary>
public sealed class BenchReportingTests
{
    private static BenchResult Row(BenchMode m, BenchWorkload w, double rps = 100, double p50 = 1000, double mbps = 100, double originCpu = 1, long bytes = 1L << 30, string? missing = null) =>
        new(m, w, 10, rps, p50, 2 * p50, mbps, originCpu, 1, bytes, 0, 1, missing);

    private static BenchReport Report(params BenchResult[] rows) => new()
    {
        Commit = "abc123",
        Date = "2026-01-01T00:00:00Z",
        Machine = "test machine",
        Profile = "quick",
        Options = BenchOptions.CreateQuick(),
        Results = rows,
    };

    [Fact]
    public void Check_RepairMeetsW3AndMissesW1_SaysByHowMuch()
    {
        var checks = BenchTargets.Check(
        [
            Row(BenchMode.Direct, BenchWorkload.W3, mbps: 1000, originCpu: 0),
            Row(BenchMode.Repair, BenchWorkload.W3, mbps: 960, originCpu: 0.01),
            Row(BenchMode.Yarp, BenchWorkload.W3, mbps: 400, originCpu: 1),
            Row(BenchMode.Direct, BenchWorkload.W1, rps: 4000, p50: 1700),
            Row(BenchMode.Repair, BenchWorkload.W1, rps: 1000, p50: 6300),
        ]);

        Assert.True(checks.Single(c => c.Name.StartsWith("w3 MB/s: repair ≥ 0.95", StringComparison.Ordinal)).Met);
        Assert.True(checks.Single(c => c.Name.StartsWith("w3 MB/s: repair ≥ 2", StringComparison.Ordinal)).Met);
        Assert.True(checks.Single(c => c.Name.StartsWith("w3 origin CPU", StringComparison.Ordinal)).Met);
        var p50 = checks.Single(c => c.Name.StartsWith("w1 p50", StringComparison.Ordinal));
        Assert.False(p50.Met);
        Assert.Equal("over by 4300 µs", p50.Shortfall);
        var rps = checks.Single(c => c.Name.StartsWith("w1 rps", StringComparison.Ordinal));
        Assert.False(rps.Met);
        Assert.Contains("0.25 vs 0.50", rps.Shortfall, StringComparison.Ordinal);
        Assert.Null(checks.Single(c => c.Name.Contains("splice", StringComparison.Ordinal)).Met);
    }

    [Fact]
    public void Check_SpliceMissing_IsNotApplicableWithTheReason()
    {
        var checks = BenchTargets.Check([Row(BenchMode.Direct, BenchWorkload.W3), Row(BenchMode.Splice, BenchWorkload.W3, missing: "fell back")]);
        var splice = checks.Single(c => c.Name.Contains("splice", StringComparison.Ordinal));
        Assert.Null(splice.Met);
        Assert.Contains("fell back", splice.Shortfall, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_HasExactlyTheIssuesShape_AndLeavesMissingRowsOut()
    {
        var report = Report(Row(BenchMode.Repair, BenchWorkload.W3), Row(BenchMode.Splice, BenchWorkload.W3, missing: "x"));
        using var doc = JsonDocument.Parse(BenchJson.Serialize(report));
        var root = doc.RootElement;
        Assert.Equal(["commit", "date", "machine", "results"], root.EnumerateObject().Select(p => p.Name));
        var row = Assert.Single(root.GetProperty("results").EnumerateArray());
        Assert.Equal(
            ["mode", "workload", "rps", "p50_us", "p99_us", "mbps", "origin_cpu_s", "target_cpu_s", "bytes", "errors"],
            row.EnumerateObject().Select(p => p.Name));
        Assert.Equal("repair", row.GetProperty("mode").GetString());
        Assert.Equal("w3", row.GetProperty("workload").GetString());
        Assert.Equal(1L << 30, row.GetProperty("bytes").GetInt64());
        Assert.Equal(JsonValueKind.Number, row.GetProperty("errors").ValueKind);
    }

    [Fact]
    public void Render_RatiosToDirect_AndMissingRowsSayWhy()
    {
        string md = BenchMarkdown.Render(Report(
            Row(BenchMode.Direct, BenchWorkload.W3, mbps: 400),
            Row(BenchMode.Repair, BenchWorkload.W3, mbps: 300),
            Row(BenchMode.Splice, BenchWorkload.W3, missing: "handovers fell back")));
        Assert.Contains("| w3 | repair | 100 | 1.00 | 1000 | 2000 | 300.0 | 0.75 |", md, StringComparison.Ordinal);
        Assert.Contains("| w3 | splice | missing: handovers fell back |", md, StringComparison.Ordinal);
        Assert.Contains("commit `abc123`", md, StringComparison.Ordinal);
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
