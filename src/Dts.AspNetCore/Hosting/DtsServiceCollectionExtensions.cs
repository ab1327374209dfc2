using System.Net;
using Dts.AspNetCore;
using Dts.AspNetCore.Configuration;
using Dts.AspNetCore.Connections;
using Dts.AspNetCore.Control;
using Dts.AspNetCore.Dispatch;
using Dts.AspNetCore.Fallback;
using Dts.AspNetCore.Flow;
using Dts.AspNetCore.Handover;
using Dts.AspNetCore.Mechanisms;
using Dts.AspNetCore.Management;
using Dts.AspNetCore.Membership;
using Dts.AspNetCore.Mechanisms.Repair;
using Dts.AspNetCore.Mechanisms.Splice;
using Dts.AspNetCore.Telemetry;
using Dts.Core.Handover;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers DTS's services: <c>services.AddDts(configuration)</c> (what <c>builder.AddDts()</c> calls).</summary>
public static class DtsServiceCollectionExtensions
{
    /// <summary>
    /// Adds DTS from <paramref name="configuration"/>: the <c>Dts</c> section bound to <see cref="DtsOptions"/>
    /// (validated at start, every problem listed in one <see cref="OptionsValidationException"/>) and YARP from
    /// the <c>ReverseProxy</c> section. When <c>Dts:Enabled</c> is true (the default) it also adds the node: the
    /// nft flow table, the membership of <c>Dts:Membership</c> and the bucket table that follows it, the control
    /// channel (gRPC over mutual TLS), the handover coordinator and receiver, the handover mechanism of
    /// <c>Dts:Mechanism</c>, and Kestrel endpoints on 0.0.0.0:Port (HTTP/1.x; connections to the VIP are dispatched,
    /// those to the node's own address served here), unicast:ManagementPort (the operators' endpoints, see
    /// <c>MapDtsManagement()</c>) and unicast:ControlPort (HTTP/2, mTLS). When false, nothing of the node is
    /// registered: no certificates are read, no nft table, no control channel, Kestrel's endpoints are the app's.
    /// Services are added with <c>TryAdd*</c>, so one the app registered before (a <see cref="TimeProvider"/>, say)
    /// is kept. Call it once per service collection: a second call would bind the sections and add the Kestrel
    /// endpoints again.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configuration">The configuration holding the <c>Dts</c> and <c>ReverseProxy</c> sections.</param>
    /// <returns>A builder to chain further configuration (YARP's builder is on it).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is null.</exception>
    public static IDtsBuilder AddDts(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var section = configuration.GetSection(DtsOptions.SectionName);
        services.AddOptions<DtsOptions>().Configure(o => DtsConfigurationBinding.Bind(section, o)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DtsOptions>, DtsOptionsValidator>());
        var reverseProxy = services.AddReverseProxy()
            .LoadFromConfig(configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<DtsDestinationFilter>();

        // Enabled decides what exists, so it is read now: a plain app must not even construct the node's services.
        // (A value that doesn't convert is left at its default here and reported by the validator at start-up.)
        var options = DtsConfigurationBinding.Read(section);
        if (options.Enabled)
        {
            AddNode(services, options);
        }
        return new DtsBuilder(services, reverseProxy);
    }

    private static void AddNode(IServiceCollection services, DtsOptions options)
    {
        services.AddMetrics();
        services.AddHealthChecks().AddDts();
        services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = ControlChannel.MaxMessageSize;
            grpc.MaxSendMessageSize = ControlChannel.MaxMessageSize;
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DtsTelemetry>();
        services.TryAddSingleton<DispatchPipeline>();
        services.TryAddSingleton<HandoverCoordinator>();
        services.TryAddSingleton<HandoverReceiver>();
        services.TryAddSingleton<ControlCertificates>();
        services.TryAddSingleton<ControlChannel>();
        services.AddHostedService<ControlChannelWarmup>();
        services.TryAddSingleton<FallbackForwarder>();
        services.TryAddSingleton<HandoverArrivals>();
        services.TryAddSingleton<FlowOwnership>();
        services.AddHostedService(sp => sp.GetRequiredService<FlowOwnership>());
        if (options.Membership == DtsMembershipMode.Static)
        {
            services.TryAddSingleton<IClusterMembership, StaticMembership>();
        }
        services.AddEtcdMembership(options);
        services.TryAddSingleton<BucketTable>();
        services.AddHostedService(sp => sp.GetRequiredService<BucketTable>());
        // Added after Kestrel's own socket transport, so Kestrel tries it first.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectionListenerFactory, AdoptingListenerFactory>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, DtsManagementMatcherPolicy>());
        services.Configure<KestrelServerOptions>(kestrel => ConfigureEndpoints(kestrel, options));

        // The handover mechanism of Dts:Mechanism: one line each; everything else of it is in its folder.
        _ = options.Mechanism switch
        {
            HandoverMechanism.Repair => services.AddRepairMechanism(options),
            HandoverMechanism.Splice => services.AddSpliceMechanism(options),
            _ => services, // DtsOptionsValidator reports it at start
        };
    }

    private static void ConfigureEndpoints(KestrelServerOptions kestrel, DtsOptions options)
    {
        if (!IPAddress.TryParse(options.Vip, out _) || options.Self is not { } self || !IPAddress.TryParse(self.Address, out var unicast))
        {
            return; // validation reports it at start-up
        }
        // One wildcard listener serves both the VIP (dispatched) and the unicast address (served here). It must be the
        // wildcard: the flow table tells a socket that owns a flow from the listener by nft's `socket wildcard`, and
        // a listener bound to the VIP would look like one (ARCHITECTURE §8).
        kestrel.Listen(IPAddress.Any, options.Port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            var mechanism = listen.ApplicationServices.GetRequiredService<IHandoverMechanism>();
            var telemetry = listen.ApplicationServices.GetRequiredService<DtsTelemetry>();
            listen.Use(next => new DtsConnectionMiddleware(next, options, mechanism, telemetry).OnConnectionAsync);
        });
        // The operators' endpoints (MapDtsManagement, RequireDtsManagement): the unicast address only, never the VIP.
        kestrel.Listen(unicast, options.ManagementPort, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            listen.Use(next => connection =>
            {
                connection.Features.Set(DtsManagementConnectionFeature.Instance);
                return next(connection);
            });
        });
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
