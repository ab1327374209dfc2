namespace Dts.Demo;

/// <summary>
/// Combines per-node percentiles into one cluster figure without the raw samples: p50 as the mean of the nodes'
/// medians weighted by how many samples each reservoir holds (at most 8192), p99 as the largest node p99 — an
/// upper bound of the cluster's p99, never an underestimate.
/// </summary>
internal static class DemoLatency
{
    /// <summary>Samples a node's latency reservoir holds at most.</summary>
    public const long ReservoirCapacity = 8192;

    /// <summary>Weighted mean of the p50s (µs); 0 when no node has samples.</summary>
    public static double CombinedP50(IEnumerable<(double P50Us, long Samples)> nodes)
    {
        double sum = 0;
        long weight = 0;
        foreach (var (p50, samples) in nodes)
        {
            long w = Math.Min(samples, ReservoirCapacity);
            if (w > 0)
            {
                sum += p50 * w;
                weight += w;
            }
        }

        return weight == 0 ? 0 : sum / weight;
    }

    /// <summary>The largest p99 (µs) of the nodes that have samples; 0 when none has.</summary>
    public static double CombinedP99(IEnumerable<(double P99Us, long Samples)> nodes) =>
        nodes.Where(n => n.Samples > 0).Select(n => n.P99Us).DefaultIfEmpty(0).Max();
}
