namespace Dts.Bench;

/// <summary>
/// One row of the results: a (mode, workload) cell summed over every round. Rates are totals divided by the summed
/// cell time; percentiles are over every request of every round.
/// </summary>
/// <param name="Mode">How requests reached the serving node.</param>
/// <param name="Workload">What the client did.</param>
/// <param name="Requests">Requests completed with verified bodies.</param>
/// <param name="Rps">Requests per second.</param>
/// <param name="P50Us">Median request latency, µs (w2: requests after the first of each connection).</param>
/// <param name="P99Us">99th percentile request latency, µs.</param>
/// <param name="Mbps">Body bytes per second in MB/s (10⁶ bytes per second, not megabits).</param>
/// <param name="OriginCpuSeconds">CPU seconds (user + system) of the origin n1 (its node process, plus nginx in the nginx mode); in the direct mode n1 carries no traffic and this is its idle baseline.</param>
/// <param name="TargetCpuSeconds">CPU seconds (user + system) of the serving node n3's process.</param>
/// <param name="Bytes">Body bytes moved by the verified requests.</param>
/// <param name="Errors">Failed requests (any kind, including the wrong path through the cluster).</param>
/// <param name="Seconds">Summed cell time, s.</param>
/// <param name="Missing">Why this row has no valid measurement (e.g. Splice not working yet); <see langword="null"/> when valid.</param>
public sealed record BenchResult(
    BenchMode Mode,
    BenchWorkload Workload,
    long Requests,
    double Rps,
    double P50Us,
    double P99Us,
    double Mbps,
    double OriginCpuSeconds,
    double TargetCpuSeconds,
    long Bytes,
    long Errors,
    double Seconds,
    string? Missing = null)
{
    private const double GiB = 1L << 30;

    /// <summary>Origin CPU seconds per GiB of body bytes; 0 when nothing moved.</summary>
    public double OriginCpuPerGiB => Bytes == 0 ? 0 : OriginCpuSeconds / (Bytes / GiB);

    /// <summary>Target CPU seconds per GiB of body bytes; 0 when nothing moved.</summary>
    public double TargetCpuPerGiB => Bytes == 0 ? 0 : TargetCpuSeconds / (Bytes / GiB);

    /// <summary>Sums <paramref name="samples"/> (one per round) into a row.</summary>
    internal static BenchResult Aggregate(BenchMode mode, BenchWorkload workload, IReadOnlyCollection<BenchSample> samples)
    {
        var latencies = samples.SelectMany(s => s.LatenciesUs).Order().ToArray();
        double seconds = samples.Sum(s => s.Elapsed.TotalSeconds);
        long requests = samples.Sum(s => s.Requests);
        long bytes = samples.Sum(s => s.Bytes);
        return new BenchResult(
            mode,
            workload,
            requests,
            seconds > 0 ? requests / seconds : 0,
            BenchPercentiles.Quantile(latencies, 0.50),
            BenchPercentiles.Quantile(latencies, 0.99),
            seconds > 0 ? bytes / seconds / 1e6 : 0,
            samples.Sum(s => s.OriginCpuSeconds),
            samples.Sum(s => s.TargetCpuSeconds),
            bytes,
            samples.Sum(s => s.Errors),
            seconds);
    }
}
