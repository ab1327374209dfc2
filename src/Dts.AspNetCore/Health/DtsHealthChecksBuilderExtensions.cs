using Dts.AspNetCore.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>DTS's ASP.NET Core health checks: <c>services.AddHealthChecks().AddDts()</c>.</summary>
public static class DtsHealthChecksBuilderExtensions
{
    /// <summary>The tag every DTS check carries, <c>dts</c>.</summary>
    public const string Tag = "dts";

    /// <summary>
    /// Adds the node's checks, tagged <see cref="Tag"/>: <c>dts-flow-table</c> (the nft tables are in the kernel;
    /// Unhealthy without), <c>dts-control-peers</c> (every peer answers a control-channel ping within 1 s; Degraded
    /// otherwise), <c>dts-membership</c> (Degraded while the membership store is unreachable or the node is fenced)
    /// and <c>dts-splice-queue</c> (the NFQUEUE translator runs on a Splice node; Unhealthy otherwise). Degraded
    /// keeps the node serving (health-check endpoints answer 200). <c>builder.AddDts()</c> calls it for the node;
    /// calling it again adds nothing. Needs the node's services (<c>Dts:Enabled=true</c>).
    /// </summary>
    /// <param name="builder">The app's health checks.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static IHealthChecksBuilder AddDts(this IHealthChecksBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(DtsHealthChecksAdded)))
        {
            return builder;
        }
        builder.Services.TryAddSingleton<DtsHealthChecksAdded>();
        string[] tags = [Tag];
        return builder
            .AddCheck<FlowTableHealthCheck>("dts-flow-table", HealthStatus.Unhealthy, tags)
            .AddCheck<ControlPeersHealthCheck>("dts-control-peers", HealthStatus.Degraded, tags)
            .AddCheck<MembershipHealthCheck>("dts-membership", HealthStatus.Degraded, tags)
            .AddCheck<SpliceQueueHealthCheck>("dts-splice-queue", HealthStatus.Unhealthy, tags);
    }

    /// <summary>Marks a service collection whose DTS checks were added.</summary>
    private sealed class DtsHealthChecksAdded;
}
