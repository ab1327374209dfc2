namespace Dts.Testbed.Load;

/// <summary>
/// What a <see cref="NewConnectionLoad"/> saw around a failure at <see cref="FailedAt"/> (on the load's clock):
/// requests after it, how many failed, and the failover time — from the failure to the start of the first request
/// from which on every request succeeded (zero when none failed).
/// </summary>
public sealed record FailoverReport(TimeSpan FailedAt, int Requests, int Failed, TimeSpan Failover, TimeSpan? LastFailureStart)
{
    /// <summary>Analyses <paramref name="samples"/> for a failure at <paramref name="failedAt"/>: only requests started at or after it count.</summary>
    public static FailoverReport From(IEnumerable<LoadSample> samples, TimeSpan failedAt)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var after = samples.Where(s => s.Start >= failedAt).OrderBy(s => s.Start).ToArray();
        var failures = after.Where(s => !s.Ok).ToArray();
        if (failures.Length == 0)
        {
            return new FailoverReport(failedAt, after.Length, 0, TimeSpan.Zero, null);
        }
        var lastFailure = failures.Max(s => s.Start);
        var recovered = after.FirstOrDefault(s => s.Start > lastFailure);
        var failover = (recovered?.Start ?? lastFailure) - failedAt;
        return new FailoverReport(failedAt, after.Length, failures.Length, failover, lastFailure);
    }
}
