namespace Dts.Demo.Tests;

/// <summary>The demo's readings of wrk, ss and curl output, on output captured from those tools on the testbed.</summary>
public sealed class DemoParsingTests
{
    private const string WrkWithErrors = """
        Running 5s test @ http://198.18.0.100/whoami
          1 threads and 8 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency    22.43ms   27.52ms 234.79ms   91.49%
            Req/Sec   477.84    272.44     1.24k    75.51%
          Latency Distribution
             50%  322.00us
             75%   26.63ms
             90%   45.67ms
             99%    1.02s
          2397 requests in 5.07s, 670.22KB read
          Socket errors: connect 1, read 2, write 3, timeout 4
          Non-2xx or 3xx responses: 5
        Requests/sec:    472.71
        Transfer/sec:    132.17KB
        """;

    [Fact]
    public void WrkTryParse_ErrorsAndDistribution_AllCounted()
    {
        Assert.True(WrkResult.TryParse(WrkWithErrors, out var r));

        Assert.Equal(2397, r.Requests);
        Assert.Equal(472.71, r.RequestsPerSecond);
        Assert.Equal(5, r.NonSuccess);
        Assert.Equal(10, r.SocketErrors);
        Assert.Equal(322, r.P50Us);
        Assert.Equal(1_020_000, r.P99Us);
    }

    [Fact]
    public void WrkTryParse_CleanRun_NoErrors()
    {
        string clean = string.Join('\n', WrkWithErrors.Split('\n').Where(l => !l.Contains("errors", StringComparison.Ordinal) && !l.Contains("Non-2xx", StringComparison.Ordinal)));

        Assert.True(WrkResult.TryParse(clean, out var r));

        Assert.Equal(0, r.SocketErrors);
        Assert.Equal(0, r.NonSuccess);
    }

    [Fact]
    public void WrkTryParse_NoRequestLine_False()
    {
        Assert.False(WrkResult.TryParse("unable to connect to 198.18.0.100:80 Connection refused", out _));
    }

    [Fact]
    public void StalledCount_IdleBothWaysPastThreshold_Counted()
    {
        const string Ss = """
            0      0      198.19.0.2:56094 198.18.0.100:80
            	 bbr wscale:10,10 rto:204 bytes_sent:67 bytes_acked:68 lastsnd:2488 lastrcv:2488 lastack:2488 pacing_rate 1bps
            0      0      198.19.0.2:56100 198.18.0.100:80
            	 bbr wscale:10,10 rto:204 bytes_sent:67 bytes_acked:68 lastsnd:3 lastrcv:4 lastack:3 pacing_rate 1bps
            0      0      198.19.0.2:56102 198.18.0.100:80
            	 bbr wscale:10,10 rto:204 bytes_sent:67 bytes_acked:68 lastsnd:1500 lastrcv:12 lastack:12 pacing_rate 1bps
            """;

        Assert.Equal(1, StalledConnections.Count(Ss, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void CurlTryParse_WriteOutAfterErrorLines_Found()
    {
        Assert.True(CurlTransfer.TryParse("curl: (18) something\ndts-curl|200|67108864|0.44|n2|n3\n", out var t));

        Assert.Equal(200, t.HttpCode);
        Assert.Equal(64L << 20, t.BytesDownloaded);
        Assert.Equal("n2", t.Node);
        Assert.True(t.HandedOver);
    }

    [Fact]
    public void CurlTryParse_NoOriginHeader_NotHandedOver()
    {
        Assert.True(CurlTransfer.TryParse("dts-curl|200|10|0.01|n3|\n", out var t));

        Assert.False(t.HandedOver);
    }

    [Fact]
    public void SummaryLine_Report_ExactFormat()
    {
        var report = new DemoReport { Requests = 12, Handovers = 7, Fallbacks = 1, Errors = 0, BytesOk = true, FailoverMs = 2345 };

        Assert.Equal("dts-demo: requests=12 handovers=7 fallbacks=1 errors=0 bytes_ok=true failover_ms=2345", report.SummaryLine);
        Assert.Equal(0, report.ExitCode);
        Assert.Equal(1, (report with { BytesOk = false }).ExitCode);
        Assert.Equal(1, (report with { Errors = 1 }).ExitCode);
    }

    [Fact]
    public void CombinedLatency_TwoNodes_WeightedP50MaxP99()
    {
        Assert.Equal(150, DemoLatency.CombinedP50([(100, 100), (200, 100), (999, 0)]));
        Assert.Equal(300, DemoLatency.CombinedP99([(300, 1), (200, 5), (999, 0)]));
    }
}
