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

    private static BenchSample Sample(TimeSpan elapsed, double origin, double target, params (double Us, long Bytes)[] requests)
    {
        var s = new BenchSample { Elapsed = elapsed, OriginCpuSeconds = origin, TargetCpuSeconds = target };
        foreach (var (us, bytes) in requests)
        {
            s.AddSuccess(us, bytes);
        }

        return s;
    }
}
