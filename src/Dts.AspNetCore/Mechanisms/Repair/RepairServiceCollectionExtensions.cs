using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dts.AspNetCore.Mechanisms.Repair;

internal static class RepairServiceCollectionExtensions
{
    /// <summary>Registers <see cref="RepairMechanism"/> as this node's <see cref="IHandoverMechanism"/> (it needs nothing of <paramref name="options"/>).</summary>
    public static IServiceCollection AddRepairMechanism(this IServiceCollection services, DtsOptions options)
    {
        services.TryAddSingleton<IHandoverMechanism, RepairMechanism>();
        return services;
    }
}
