using Dts.AspNetCore.Flow;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dts.AspNetCore.Health;

/// <summary>
/// <c>dts-flow-table</c>: the kernel holds this node's nft tables (<c>inet dts</c>, <c>arp dts_arp</c>). Unhealthy
/// without them: the node's stack would answer (and reset) every flow of the VIP. Data: <c>buckets</c>, how many
/// buckets' SYNs this node answers.
/// </summary>
internal sealed class FlowTableHealthCheck(FlowOwnership flows) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["buckets"] = flows.BucketCount };
        return Task.FromResult(flows.IsInstalled(out var problem)
            ? HealthCheckResult.Healthy("nft tables installed", data)
            : HealthCheckResult.Unhealthy("nft tables missing: " + problem, data: data));
    }
}
