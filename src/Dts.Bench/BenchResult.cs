namespace Dts.Bench;

/// <summary>
/// One row of the results: a (mode, workload) cell summed over every round. Rates are totals divided by the summed
/// cell time; percentiles are over every request of every round.
/// </summary>
/// <param name="Mode">How requests reached the serving node.</param>
/// <param name="Workload">What the client did.</param>
/// <param name="Requests">Requests completed with verified bodies.</param>
/// <param name="Rps">Requests per second.</param>
/// <param name="P50Us">Median request latency (request started, connect included, to the body read and checked), µs (w2: requests after the first of each connection).</param>
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

    /// <summary>
    /// Median time to first byte, µs: request started (with a new connection per request, the start of the connect)
    /// to the response headers read (<see cref="HttpCompletionOption.ResponseHeadersRead"/>); the body is still read
    /// and checked afterwards. w0's figure of merit: the latency a handover adds when nothing queues.
    /// </summary>
    public double TtfbP50Us { get; init; }

    /// <summary>99th percentile time to first byte, µs (see <see cref="TtfbP50Us"/>).</summary>
    public double TtfbP99Us { get; init; }

    /// <summary>Cells (one per round) summed into this row; 0 for a row made by hand without samples.</summary>
    public int Cells { get; init; }

    /// <summary>
    /// CPU µs (user + system) of the origin and the target together per verified request:
    /// (<see cref="OriginCpuSeconds"/> + <see cref="TargetCpuSeconds"/>) × 10⁶ / <see cref="Requests"/>; 0 without
    /// requests. Summed over every round before dividing, because <c>/proc</c> counts CPU in 10 ms ticks
    /// (<see cref="ProcessCpu.TicksPerSecond"/>): each cell reads every process before and after, so the sum is off
    /// by less than one tick per process and cell — <see cref="CpuResolutionUsPerRequest"/> per request, e.g. ±10 µs
    /// for 4000 w1 requests in 2 rounds. With one handover per request (w0, w1), repair's or splice's figure minus
    /// direct's is the CPU a handover adds.
    /// </summary>
    public double CpuUsPerRequest => Requests == 0 ? 0 : (OriginCpuSeconds + TargetCpuSeconds) * 1e6 / Requests;

    /// <summary>
    /// The resolution of <see cref="CpuUsPerRequest"/>: one 10 ms tick for each of the two node processes in each of
    /// the <see cref="Cells"/>, per request (the nginx mode reads more processes on the origin, one tick each more).
    /// </summary>
    public double CpuResolutionUsPerRequest => Requests == 0 ? 0 : Cells * 2 * (1e6 / ProcessCpu.TicksPerSecond) / Requests;

    /// <summary>Origin CPU seconds per GiB of body bytes; 0 when nothing moved.</summary>
    public double OriginCpuPerGiB => Bytes == 0 ? 0 : OriginCpuSeconds / (Bytes / GiB);

    /// <summary>Target CPU seconds per GiB of body bytes; 0 when nothing moved.</summary>
    public double TargetCpuPerGiB => Bytes == 0 ? 0 : TargetCpuSeconds / (Bytes / GiB);

    /// <summary>Sums <paramref name="samples"/> (one per round) into a row.</summary>
    internal static BenchResult Aggregate(BenchMode mode, BenchWorkload workload, IReadOnlyCollection<BenchSample> samples)
    {
        var latencies = samples.SelectMany(s => s.LatenciesUs).Order().ToArray();
        var ttfb = samples.SelectMany(s => s.TtfbUs).Order().ToArray();
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
            seconds)
        {
            TtfbP50Us = BenchPercentiles.Quantile(ttfb, 0.50),
            TtfbP99Us = BenchPercentiles.Quantile(ttfb, 0.99),
            Cells = samples.Count,
        };
    }
}
