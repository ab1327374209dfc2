using Dts.AspNetCore.Membership;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dts.AspNetCore.Health;

/// <summary>
/// <c>dts-membership</c>: this node's view of the membership. Degraded (the node still serves: static stability) while
/// the membership store is unreachable (serving with the last view) or the node is fenced (answering no SYN until
/// its lease is renewed). Data: <c>revision</c>, <c>storeReachable</c>, <c>fenced</c>, <c>active</c> (the active
/// members' ids).
/// </summary>
internal sealed class MembershipHealthCheck(IClusterMembership membership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var view = membership.View;
        var data = new Dictionary<string, object>
        {
            ["revision"] = view.Revision,
            ["storeReachable"] = view.StoreReachable,
            ["fenced"] = view.Fenced,
            ["active"] = view.ActiveIds,
        };
        var problems = new List<string>();
        if (!view.StoreReachable)
        {
            problems.Add($"membership store unreachable, serving with the view of revision {view.Revision}");
        }
        if (view.Fenced)
        {
            problems.Add("fenced: answering no SYN until the lease is renewed");
        }
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy($"{view.ActiveIds.Count} active members", data)
            : HealthCheckResult.Degraded(string.Join("; ", problems), data: data));
    }
}
