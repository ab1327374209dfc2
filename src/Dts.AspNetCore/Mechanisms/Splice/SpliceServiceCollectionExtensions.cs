using System.Net;
using Dts.AspNetCore.Flow;
using Dts.Linux.Tcp;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dts.AspNetCore.Mechanisms.Splice;

internal static class SpliceServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SpliceMechanism"/> as this node's <see cref="IHandoverMechanism"/>, its packet path
    /// (<see cref="SpliceEngine"/>, a hosted service), the flow table's packet mark, and <c>TCP_SAVE_SYN</c> on
    /// the service listener of <paramref name="options"/> (0.0.0.0:Port; the target replays the client's SYN).
    /// </summary>
    public static IServiceCollection AddSpliceMechanism(this IServiceCollection services, DtsOptions options)
    {
        services.TryAddSingleton<SpliceFlows>();
        services.TryAddSingleton<SpliceEngine>();
        services.AddHostedService(sp => sp.GetRequiredService<SpliceEngine>());
        services.TryAddSingleton<SpliceReceiver>();
        services.TryAddSingleton<IHandoverMechanism, SpliceMechanism>();
        services.Configure<FlowMarkOptions>(marks => marks.Mark = SpliceSteering.Mark);
        services.Configure<SocketTransportOptions>(transport => transport.CreateBoundListenSocket = endpoint =>
        {
            var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
            if (endpoint is IPEndPoint ip && ip.Port == options.Port && ip.Address.Equals(IPAddress.Any))
            {
                TcpRepair.EnableSaveSyn(socket);
            }
            return socket;
        });
        return services;
    }
}
