namespace Dts.AspNetCore.Telemetry;

/// <summary>
/// The last <c>capacity</c> latency samples (µs), for p50/p99 on <c>/dts/stats</c>. The <c>Dts</c> meter's
/// histograms are the export path; this only serves the node's own report.
/// </summary>
internal sealed class LatencyReservoir(int capacity = 8192)
{
    private readonly double[] _samples = new double[capacity];
    private long _count;

    public void Add(TimeSpan value) => Add(value.TotalMicroseconds);

    /// <summary>Adds a sample in the reservoir's own unit (µs for latencies; a ratio for phase coverage).</summary>
    public void Add(double value)
    {
        var i = Interlocked.Increment(ref _count) - 1;
        _samples[i % _samples.Length] = value;
    }

    /// <summary>The <paramref name="q"/> quantile (0..1) in µs, or 0 without samples.</summary>
    public double Quantile(double q)
    {
        var n = (int)Math.Min(Interlocked.Read(ref _count), _samples.Length);
        if (n == 0)
        {
            return 0;
        }
        var copy = _samples.AsSpan(0, n).ToArray();
        Array.Sort(copy);
        return copy[(int)Math.Clamp(Math.Ceiling(q * n) - 1, 0, n - 1)];
    }

    public long Count => Interlocked.Read(ref _count);
}
