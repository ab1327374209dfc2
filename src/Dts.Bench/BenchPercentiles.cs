namespace Dts.Bench;

/// <summary>Percentiles by nearest rank over raw samples (no interpolation, no histogram buckets).</summary>
internal static class BenchPercentiles
{
    /// <summary>
    /// The smallest sample with at least <paramref name="quantile"/> of the samples at or below it; 0 for no samples.
    /// </summary>
    /// <param name="sorted">Samples in ascending order.</param>
    /// <param name="quantile">In (0, 1], e.g. 0.5 or 0.99.</param>
    public static double Quantile(IReadOnlyList<double> sorted, double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        if (sorted.Count == 0)
        {
            return 0;
        }

        int rank = (int)Math.Ceiling(quantile * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
