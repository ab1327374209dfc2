using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dts.AspNetCore.Membership;

internal static class EtcdMembershipServiceCollectionExtensions
{
    /// <summary>
    /// When <c>Dts:Membership</c> is <see cref="DtsMembershipMode.Etcd"/>: registers <see cref="EtcdMembership"/> as this
    /// node's <see cref="IClusterMembership"/> and as a hosted service (it joins at start and revokes its lease at stop),
    /// with its peers probed over the control channel. Otherwise registers nothing.
    /// </summary>
    public static IServiceCollection AddEtcdMembership(this IServiceCollection services, DtsOptions options)
    {
        if (options.Membership == DtsMembershipMode.Etcd)
        {
            services.TryAddSingleton<IMembershipPeers, ControlChannelMembershipPeers>();
            services.TryAddSingleton<EtcdMembership>();
            services.TryAddSingleton<IClusterMembership>(sp => sp.GetRequiredService<EtcdMembership>());
            services.AddHostedService(sp => sp.GetRequiredService<EtcdMembership>());
        }
        return services;
    }
}
