using System.Globalization;

namespace Dts.Bench;

/// <summary>
/// The targets, from one run: w0 time to first byte p50 repair ≤ direct + 300 µs, splice ≤ direct + 600 µs;
/// CPU a handover adds (w1's <see cref="BenchResult.CpuUsPerRequest"/> minus direct's: w1 has more requests than w0,
/// so the 10 ms ticks of <c>/proc</c> weigh less) ≤ 300 µs for repair and for splice; w1 rps repair ≥ 0.5 × direct
/// and ≥ yarp, splice ≥ yarp; w3 MB/s repair ≥ 0.95 × direct, splice ≥ 0.80 × direct, repair ≥ 2 × yarp, origin
/// CPU s per GiB repair ≤ 0.02 × yarp.
/// </summary>
public static class BenchTargets
{
    /// <summary>Checks every target whose rows exist in <paramref name="results"/>.</summary>
    public static IReadOnlyList<BenchTargetCheck> Check(IReadOnlyList<BenchResult> results)
    {
        BenchResult? Row(BenchMode m, BenchWorkload w) => results.FirstOrDefault(r => r.Mode == m && r.Workload == w);
        var checks = new List<BenchTargetCheck>();
        var w3Direct = Row(BenchMode.Direct, BenchWorkload.W3);
        var w3Repair = Row(BenchMode.Repair, BenchWorkload.W3);
        var w3Splice = Row(BenchMode.Splice, BenchWorkload.W3);
        var w3Yarp = Row(BenchMode.Yarp, BenchWorkload.W3);
        var w0Direct = Row(BenchMode.Direct, BenchWorkload.W0);
        var w0Repair = Row(BenchMode.Repair, BenchWorkload.W0);
        var w0Splice = Row(BenchMode.Splice, BenchWorkload.W0);
        var w1Direct = Row(BenchMode.Direct, BenchWorkload.W1);
        var w1Repair = Row(BenchMode.Repair, BenchWorkload.W1);
        var w1Splice = Row(BenchMode.Splice, BenchWorkload.W1);
        var w1Yarp = Row(BenchMode.Yarp, BenchWorkload.W1);

        checks.Add(Ttfb("w0 TTFB p50: repair ≤ direct + 300 µs", w0Repair, w0Direct, 300));
        checks.Add(Ttfb("w0 TTFB p50: splice ≤ direct + 600 µs", w0Splice, w0Direct, 600));
        checks.Add(CpuAdded("w1 CPU per handover: repair ≤ direct + 300 µs/request", w1Repair, w1Direct, 300));
        checks.Add(CpuAdded("w1 CPU per handover: splice ≤ direct + 300 µs/request", w1Splice, w1Direct, 300));
        checks.Add(AtLeast("w1 rps: repair ≥ 0.5 × direct", w1Repair, w1Direct, r => r.Rps, 0.5, "direct"));
        checks.Add(AtLeast("w1 rps: repair ≥ yarp", w1Repair, w1Yarp, r => r.Rps, 1.0, "yarp"));
        checks.Add(AtLeast("w1 rps: splice ≥ yarp", w1Splice, w1Yarp, r => r.Rps, 1.0, "yarp"));
        checks.Add(AtLeast("w3 MB/s: repair ≥ 0.95 × direct", w3Repair, w3Direct, r => r.Mbps, 0.95, "direct"));
        checks.Add(AtLeast("w3 MB/s: splice ≥ 0.80 × direct", w3Splice, w3Direct, r => r.Mbps, 0.80, "direct"));
        checks.Add(AtLeast("w3 MB/s: repair ≥ 2 × yarp", w3Repair, w3Yarp, r => r.Mbps, 2.0, "yarp"));
        checks.Add(AtMost("w3 origin CPU s/GiB: repair ≤ 0.02 × yarp", w3Repair, w3Yarp, r => r.OriginCpuPerGiB, 0.02, "yarp"));
        return checks;
    }

    private static string? Unavailable(BenchResult? a, BenchResult? b)
    {
        foreach (var r in new[] { a, b })
        {
            if (r is null)
            {
                return "not measured in this run";
            }

            if (r.Missing is not null)
            {
                return $"{r.Mode.Name()} missing: {r.Missing}";
            }
        }

        return null;
    }

    private static BenchTargetCheck AtLeast(string name, BenchResult? a, BenchResult? b, Func<BenchResult, double> value, double factor, string baseline)
    {
        if (Unavailable(a, b) is string why)
        {
            return new(name, "-", null, why);
        }

        double ratio = value(b!) > 0 ? value(a!) / value(b!) : 0;
        bool met = ratio >= factor;
        return new(name, F($"{ratio:0.00} × {baseline}"), met, met ? null : F($"short by {(factor - ratio) / factor:P0} ({ratio:0.00} vs {factor:0.00})"));
    }

    private static BenchTargetCheck AtMost(string name, BenchResult? a, BenchResult? b, Func<BenchResult, double> value, double factor, string baseline)
    {
        if (Unavailable(a, b) is string why)
        {
            return new(name, "-", null, why);
        }

        double ratio = value(b!) > 0 ? value(a!) / value(b!) : double.PositiveInfinity;
        bool met = ratio <= factor;
        return new(name, F($"{ratio:0.000} × {baseline} ({value(a!):0.000} vs {value(b!):0.000} s/GiB)"), met, met ? null : F($"over by {ratio / factor:0.0}× the allowed ratio ({ratio:0.000} vs {factor:0.000})"));
    }

    private static BenchTargetCheck Ttfb(string name, BenchResult? a, BenchResult? b, double allowedUs)
    {
        if (Unavailable(a, b) is string why)
        {
            return new(name, "-", null, why);
        }

        double delta = a!.TtfbP50Us - b!.TtfbP50Us;
        bool met = delta <= allowedUs;
        return new(name, F($"direct + {delta:0} µs ({a.TtfbP50Us:0} vs {b.TtfbP50Us:0} µs)"), met, met ? null : F($"over by {delta - allowedUs:0} µs"));
    }

    /// <summary>The CPU a handover adds: <paramref name="a"/>'s CPU µs per request minus direct's (<paramref name="b"/>), with its resolution.</summary>
    private static BenchTargetCheck CpuAdded(string name, BenchResult? a, BenchResult? b, double allowedUs)
    {
        if (Unavailable(a, b) is string why)
        {
            return new(name, "-", null, why);
        }

        double added = CpuAddedUsPerRequest(a!, b!);
        double resolution = a!.CpuResolutionUsPerRequest + b!.CpuResolutionUsPerRequest;
        bool met = added <= allowedUs;
        return new(
            name,
            F($"direct + {added:0} ± {resolution:0} µs ({a.CpuUsPerRequest:0} vs {b.CpuUsPerRequest:0} µs/request)"),
            met,
            met ? null : F($"over by {added - allowedUs:0} µs"));
    }

    /// <summary>CPU µs per request added over direct's in the same workload (what one handover costs in w0 and w1).</summary>
    public static double CpuAddedUsPerRequest(BenchResult row, BenchResult direct)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(direct);
        return row.CpuUsPerRequest - direct.CpuUsPerRequest;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
