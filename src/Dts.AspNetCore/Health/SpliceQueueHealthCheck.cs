using Dts.AspNetCore.Mechanisms.Splice;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dts.AspNetCore.Health;

/// <summary>
/// <c>dts-splice-queue</c>, on Splice nodes: the NFQUEUE loop that translates every spliced packet runs. Unhealthy
/// when it does not (no flow can be handed in). Data: live flows, packets, drops, ENOBUFS. Healthy ("not used") on a
/// node whose mechanism is Repair.
/// </summary>
internal sealed class SpliceQueueHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<SpliceEngine>() is not { } engine)
        {
            return Task.FromResult(HealthCheckResult.Healthy("not used (mechanism Repair)"));
        }
        var s = engine.Snapshot();
        var data = new Dictionary<string, object>
        {
            ["flows"] = s.Flows,
            ["packets"] = s.Packets,
            ["dropped"] = s.Dropped,
            ["noBufferErrors"] = s.NoBufferErrors,
        };
        return Task.FromResult(engine.IsRunning
            ? HealthCheckResult.Healthy("NFQUEUE translator running", data)
            : HealthCheckResult.Unhealthy("NFQUEUE translator not running: no flow can be spliced in", data: data));
    }
}
