namespace Dts.Bench.Tests;

/// <summary>/proc CPU parsing, percentiles and the aggregation of rounds into a row.</summary>
public sealed class BenchMeasurementTests
{
    [Fact]
    public void ParseStat_CommWithSpacesAndParentheses_ReadsUtimePlusStime()
    {
        // A real line shape: utime 1234, stime 566 (fields 14 and 15) → 18.00 s at 100 ticks/s.
        const string stat = "4242 (dotnet (a) b) S 1 4242 4242 0 -1 4194560 9000 0 0 0 1234 566 0 0 20 0 30 0 100 0 0";
        Assert.Equal(18.0, ProcessCpu.ParseStat(stat), 6);
    }

    [Fact]
    public void ParseStat_Truncated_Throws()
    {
        Assert.Throws<FormatException>(() => ProcessCpu.ParseStat("1 (x) S 1 2"));
    }

    [Fact]
    public void Seconds_ThisProcess_IsPositiveAndGrowsWithWork()
    {
        // Work until the process has burnt 50 ms of CPU by its own count: how much wall time that takes depends on
        // what else the machine runs (a fixed 150 ms of spinning got less than 50 ms of CPU on a busy 2-core box).
        double before = ProcessCpu.Seconds(Environment.ProcessId);
        double after = before;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        long spin = 0;
        while (after < before + 0.05 && DateTime.UtcNow < deadline)
        {
            var until = DateTime.UtcNow.AddMilliseconds(10);
            while (DateTime.UtcNow < until)
            {
                spin++;
            }
            after = ProcessCpu.Seconds(Environment.ProcessId);
        }

        Assert.True(before > 0);
        Assert.True(spin > 0);
        Assert.True(after >= before + 0.05, $"CPU seconds went from {before} to {after} while spinning for 20 s");
    }

    [Theory]
    [InlineData(0.5, 50)]
    [InlineData(0.99, 99)]
    [InlineData(1.0, 100)]
    [InlineData(0.001, 1)]
    public void Quantile_OneToHundred_NearestRank(double q, double expected)
    {
        var sorted = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();
        Assert.Equal(expected, BenchPercentiles.Quantile(sorted, q));
    }

    [Fact]
    public void Quantile_NoSamples_IsZero()
    {
        Assert.Equal(0, BenchPercentiles.Quantile([], 0.99));
    }

    [Fact]
    public void Aggregate_TwoRounds_SumsCountsAndDividesByTotalTime()
    {
        var a = Sample(TimeSpan.FromSeconds(1), origin: 0.5, target: 1.0, (100, 1_000_000), (300, 1_000_000));
        var b = Sample(TimeSpan.FromSeconds(3), origin: 0.5, target: 1.0, (200, 2_000_000));
        b.AddError("boom");

        var row = BenchResult.Aggregate(BenchMode.Repair, BenchWorkload.W3, [a, b]);

        Assert.Equal(3, row.Requests);
        Assert.Equal(0.75, row.Rps, 6);                 // 3 requests / 4 s
        Assert.Equal(1.0, row.Mbps, 6);                 // 4e6 bytes / 4 s
        Assert.Equal(200, row.P50Us);
        Assert.Equal(300, row.P99Us);
        Assert.Equal(1.0, row.OriginCpuSeconds, 6);
        Assert.Equal(2.0, row.TargetCpuSeconds, 6);
        Assert.Equal(4_000_000, row.Bytes);
        Assert.Equal(1, row.Errors);
        Assert.Equal(1.0 / (4_000_000 / (double)(1L << 30)), row.OriginCpuPerGiB, 6);
    }

    [Fact]
    public void Aggregate_TtfbBelowLatency_PercentilesOfTheirOwn()
    {
        // TTFB is a tenth of each request's latency here: its percentiles come from the TTFB samples, not the latencies.
        var s = new BenchSample { Elapsed = TimeSpan.FromSeconds(1) };
        var latencies = Enumerable.Range(1, 100).Select(i => 10.0 * i).ToArray();
        foreach (double us in latencies)
        {
            s.AddSuccess(us, us / 10, 1024);
        }

        var row = BenchResult.Aggregate(BenchMode.Repair, BenchWorkload.W0, [s]);

        Assert.Equal(row.P50Us / 10, row.TtfbP50Us, 6);
        Assert.Equal(row.P99Us / 10, row.TtfbP99Us, 6);
        Assert.Equal(BenchPercentiles.Quantile(latencies, 0.5), row.P50Us);
        Assert.Equal(1, row.Cells);
    }

    [Fact]
    public void CpuUsPerRequest_TwoRoundsOfDifferentRates_IsTotalCpuOverTotalRequests()
    {
        // Round a: 0.03 s of CPU for 100 requests; round b: 0.05 s for 300. Summed, not the mean of the rounds' figures.
        var a = Sample(TimeSpan.FromSeconds(1), origin: 0.01, target: 0.02, [.. Enumerable.Repeat((100.0, 1024L), 100)]);
        var b = Sample(TimeSpan.FromSeconds(1), origin: 0.02, target: 0.03, [.. Enumerable.Repeat((100.0, 1024L), 300)]);

        var row = BenchResult.Aggregate(BenchMode.Repair, BenchWorkload.W1, [a, b]);
        double perRound = (BenchResult.Aggregate(BenchMode.Repair, BenchWorkload.W1, [a]).CpuUsPerRequest
            + BenchResult.Aggregate(BenchMode.Repair, BenchWorkload.W1, [b]).CpuUsPerRequest) / 2;

        Assert.Equal(a.OriginCpuSeconds + b.OriginCpuSeconds + a.TargetCpuSeconds + b.TargetCpuSeconds, row.CpuUsPerRequest * row.Requests / 1e6, 9);
        Assert.NotEqual(perRound, row.CpuUsPerRequest, 3);
        Assert.Equal(0, new BenchResult(BenchMode.Direct, BenchWorkload.W1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1).CpuUsPerRequest);
    }

    [Fact]
    public void CpuResolutionUsPerRequest_MoreRequestsOrFewerCells_IsFiner()
    {
        var row = new BenchResult(BenchMode.Repair, BenchWorkload.W1, 4000, 0, 0, 0, 0, 1, 1, 0, 0, 3) { Cells = 2 };

        // Two node processes, one 10 ms tick each per cell: the CPU figure can be off by that much in total.
        Assert.Equal(row.Cells * 2 / ProcessCpu.TicksPerSecond, row.CpuResolutionUsPerRequest * row.Requests / 1e6, 9);
        Assert.Equal(row.CpuResolutionUsPerRequest / 2, (row with { Requests = 2 * row.Requests }).CpuResolutionUsPerRequest, 9);
        Assert.Equal(row.CpuResolutionUsPerRequest * 2, (row with { Cells = 2 * row.Cells }).CpuResolutionUsPerRequest, 9);
    }

    [Fact]
    public void ConcurrencyOf_W0_IsOneWhateverRequestConcurrency()
    {
        var options = BenchOptions.CreateFull() with { RequestConcurrency = 8, TransferConcurrency = 2 };

        Assert.Equal(1, options.ConcurrencyOf(BenchWorkload.W0));
        Assert.Equal(1, (options with { RequestConcurrency = 32 }).ConcurrencyOf(BenchWorkload.W0));
        Assert.Equal(options.RequestConcurrency, options.ConcurrencyOf(BenchWorkload.W1));
        Assert.Equal(options.RequestConcurrency, options.ConcurrencyOf(BenchWorkload.W2));
        Assert.Equal(options.TransferConcurrency, options.ConcurrencyOf(BenchWorkload.W3));
        Assert.Equal(options.TransferConcurrency, options.ConcurrencyOf(BenchWorkload.W4));
    }

    [Fact]
    public void Workloads_Presets_StartWithW0AndRunEveryWorkload()
    {
        foreach (var options in new[] { BenchOptions.CreateFull(), BenchOptions.CreateQuick() })
        {
            Assert.Equal(BenchWorkload.W0, options.Workloads[0]);
            Assert.Equal(Enum.GetValues<BenchWorkload>().Order(), options.Workloads.Order());
        }

        Assert.True(BenchNames.TryParseWorkload("W0", out var w0));
        Assert.Equal("w0", w0.Name());
        Assert.True(w0.IsNewConnectionPerRequest());
        Assert.False(w0.IsTransfer());
    }

    private static BenchSample Sample(TimeSpan elapsed, double origin, double target, params (double Us, long Bytes)[] requests)
    {
        var s = new BenchSample { Elapsed = elapsed, OriginCpuSeconds = origin, TargetCpuSeconds = target };
        foreach (var (us, bytes) in requests)
        {
            s.AddSuccess(us, us, bytes);
        }

        return s;
    }
}
