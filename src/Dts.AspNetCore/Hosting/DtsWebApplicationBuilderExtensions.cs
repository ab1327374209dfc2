using System.Net;
using Dts.AspNetCore;
using Dts.AspNetCore.Configuration;
using Dts.AspNetCore.Connections;
using Dts.AspNetCore.Control;
using Dts.AspNetCore.Dispatch;
using Dts.AspNetCore.Fallback;
using Dts.AspNetCore.Flow;
using Dts.AspNetCore.Handover;
using Dts.AspNetCore.Splice;
using Dts.AspNetCore.Telemetry;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Dts.Core.Handover;
using Dts.Linux.Tcp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Hosting;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Registers DTS on a web application: <c>builder.AddDts()</c>, then <c>app.UseDts()</c>.</summary>
public static class DtsWebApplicationBuilderExtensions
{
    /// <summary>
    /// Adds DTS: binds the <c>Dts</c> section (plus the JSON file named by <c>Dts:ConfigFile</c>), YARP from
    /// the <c>ReverseProxy</c> section, the control channel (gRPC over mutual TLS), and Kestrel endpoints on
    /// VIP:Port (dispatching, HTTP/1.x), unicast:Port (served here) and unicast:ControlPort (HTTP/2, mTLS).
    /// Invalid configuration makes start-up fail with every problem listed (<see cref="OptionsValidationException"/>).
    /// </summary>
    /// <returns>YARP's builder, to add transforms or policies.</returns>
    public static IReverseProxyBuilder AddDts(this WebApplicationBuilder builder)
    {
        var file = builder.Configuration[$"{DtsOptions.SectionName}:{nameof(DtsOptions.ConfigFile)}"];
        if (!string.IsNullOrEmpty(file))
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
        }

        var services = builder.Services;
        services.AddOptions<DtsOptions>().Bind(builder.Configuration.GetSection(DtsOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DtsOptions>, DtsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddGrpc();
        services.TryAddSingleton<DtsTelemetry>();
        services.TryAddSingleton<DispatchPipeline>();
        services.TryAddSingleton<HandoverCoordinator>();
        services.TryAddSingleton<HandoverReceiver>();
        services.TryAddSingleton<ControlCertificates>();
        services.TryAddSingleton<ControlChannel>();
        services.AddHostedService<ControlChannelWarmup>();
        services.TryAddSingleton<FallbackForwarder>();
        services.TryAddSingleton<ConnectionAdopter>();
        services.TryAddSingleton<FlowOwnership>();
        services.AddHostedService(sp => sp.GetRequiredService<FlowOwnership>());
        services.TryAddSingleton<SpliceEngine>();
        services.TryAddSingleton<SpliceReceiver>();
        services.AddHostedService(sp => sp.GetRequiredService<SpliceEngine>());
        // Registered last, so Kestrel tries it before the plain socket transport.
        services.AddSingleton<IConnectionListenerFactory, AdoptingListenerFactory>();

        var options = builder.Configuration.GetSection(DtsOptions.SectionName).Get<DtsOptions>() ?? new DtsOptions();
        if (options.Enabled)
        {
            builder.WebHost.ConfigureKestrel((_, kestrel) => ConfigureEndpoints(kestrel, options));
            if (options.Mechanism == HandoverMechanism.Splice)
            {
                // Splice replays the client's SYN on the target: the VIP listener keeps it (TCP_SAVE_SYN).
                services.Configure<SocketTransportOptions>(transport => transport.CreateBoundListenSocket = endpoint =>
                {
                    var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
                    if (endpoint is IPEndPoint ip && ip.Port == options.Port && ip.Address.ToString() == options.Vip)
                    {
                        TcpRepair.EnableSaveSyn(socket);
                    }
                    return socket;
                });
            }
        }

        return services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<DtsDestinationFilter>();
    }

    private static void ConfigureEndpoints(KestrelServerOptions kestrel, DtsOptions options)
    {
        if (!IPAddress.TryParse(options.Vip, out var vip) || options.Self is not { } self || !IPAddress.TryParse(self.Address, out var unicast))
        {
            return; // validation reports it at start-up
        }
        kestrel.Listen(vip, options.Port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            var splice = listen.ApplicationServices.GetRequiredService<SpliceEngine>();
            listen.Use(next => new DtsConnectionMiddleware(next, options, splice).OnConnectionAsync);
        });
        kestrel.Listen(unicast, options.Port, listen => listen.Protocols = HttpProtocols.Http1);
        kestrel.Listen(unicast, options.ControlPort, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            var certificates = listen.ApplicationServices.GetRequiredService<ControlCertificates>();
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = certificates.NodeCertificate,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                ClientCertificateValidation = (certificate, _, _) => certificates.IsClusterPeer(certificate),
            });
        });
    }
}
