using System.Net;
using System.Threading.Channels;
using Dts.AspNetCore.Connections;
using Dts.AspNetCore.Control;
using Dts.AspNetCore.Handover;
using Dts.AspNetCore.Mechanisms;
using Dts.AspNetCore.Telemetry;
using Dts.Core.Handover;
using Dts.Core.Tcp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Tests.Control;

/// <summary>
/// A real target node's control server on loopback: Kestrel with HTTP/2 over mutual TLS (the product's settings),
/// the product's <see cref="ControlService"/> and <see cref="HandoverReceiver"/>, and a mechanism that only counts
/// what it applied. It counts the TLS connections it accepted and the <c>HandOverStream</c> calls it served.
/// </summary>
internal sealed class ControlTestTarget : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ChannelWriter<ConnectionContext> _arrivalsWriter = Channel.CreateUnbounded<ConnectionContext>().Writer;
    private int _connections;
    private int _streams;

    private ControlTestTarget(string certificateDirectory, int port, CountingMechanism mechanism, IHandoverStreamFaults? faults, TimeSpan? handoverTimeout)
    {
        Mechanism = mechanism;
        var options = new DtsOptions { NodeId = "n2", Certificates = Certificates(certificateDirectory) };
        if (handoverTimeout is { } timeout)
        {
            options.HandoverTimeout = timeout; // the target commits within half of it (HandoverReceiver)
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton<ControlCertificates>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<DtsTelemetry>();
        builder.Services.AddSingleton<HandoverArrivals>();
        builder.Services.AddSingleton<IHandoverMechanism>(mechanism);
        builder.Services.AddSingleton<HandoverReceiver>();
        if (faults is not null)
        {
            builder.Services.AddSingleton(faults);
        }
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = ControlChannel.MaxMessageSize;
            grpc.MaxSendMessageSize = ControlChannel.MaxMessageSize;
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.Use(next => connection =>
            {
                Interlocked.Increment(ref _connections);
                return next(connection);
            });
            var certificates = listen.ApplicationServices.GetRequiredService<ControlCertificates>();
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = certificates.NodeCertificate,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                ClientCertificateValidation = (certificate, _, _) => certificates.IsClusterPeer(certificate),
            });
        }));
        _app = builder.Build();
        _app.Use((context, next) =>
        {
            if (context.Request.Path.Value?.EndsWith("/HandOverStream", StringComparison.Ordinal) == true)
            {
                Interlocked.Increment(ref _streams);
            }
            return next(context);
        });
        _app.MapGrpcService<ControlService>();
        Receiver = _app.Services.GetRequiredService<HandoverReceiver>();
        // The receiver refuses handovers until the VIP listener is bound: stand in for it.
        _app.Services.GetRequiredService<HandoverArrivals>().Attach(_arrivalsWriter);
    }

    public int Port { get; private set; }

    public CountingMechanism Mechanism { get; }

    public HandoverReceiver Receiver { get; }

    /// <summary>TLS connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary><c>HandOverStream</c> calls served so far.</summary>
    public int Streams => Volatile.Read(ref _streams);

    /// <param name="port">0: any free port (see <see cref="Port"/>); a restarted target passes its predecessor's.</param>
    /// <param name="handoverTimeout">The target's <see cref="DtsOptions.HandoverTimeout"/> (default 2 s): it refuses to commit a
    /// handover sent more than half of it ago.</param>
    public static async Task<ControlTestTarget> StartAsync(
        string certificateDirectory, int port = 0, CountingMechanism? mechanism = null, IHandoverStreamFaults? faults = null,
        TimeSpan? handoverTimeout = null)
    {
        var target = new ControlTestTarget(certificateDirectory, port, mechanism ?? new CountingMechanism(), faults, handoverTimeout);
        await target._app.StartAsync();
        var address = target._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        target.Port = new Uri(address).Port;
        return target;
    }

    /// <summary>The origin n1's control channel to this target (n2), as the product builds it.</summary>
    public static ControlChannel Origin(string certificateDirectory, int port, out ControlCertificates certificates, TimeSpan? handoverTimeout = null)
    {
        var options = Options.Create(new DtsOptions
        {
            NodeId = "n1",
            ControlPort = port,
            HandoverTimeout = handoverTimeout ?? TimeSpan.FromSeconds(2),
            Nodes = [new DtsNodeOptions { Id = "n1", Address = "127.0.0.1" }, new DtsNodeOptions { Id = "n2", Address = "127.0.0.1" }],
            Certificates = Certificates(certificateDirectory),
        });
        certificates = new ControlCertificates(options);
        return new ControlChannel(options, certificates, NullLogger<ControlChannel>.Instance);
    }

    /// <summary>A Repair offer with an unconsumed stream of <paramref name="streamBytes"/> bytes, sent now.</summary>
    public static HandoverOffer Offer(int streamBytes, int clientPort = 40001) => new(
        Guid.NewGuid().ToString("N"), "n1", HandoverMechanism.Repair,
        new FlowKey(new IPEndPoint(IPAddress.Parse("198.19.0.2"), clientPort), new IPEndPoint(IPAddress.Parse("198.18.0.100"), 80)),
        new HandoverState(new TcpRepairState
        {
            SendSeq = new SeqNum(1000), RecvSeq = new SeqNum(2000), SendQueue = ReadOnlyMemory<byte>.Empty, RecvQueue = new byte[streamBytes],
            Mss = 1448, SndWscale = 7, RcvWscale = 7, WindowScaling = true, SackPermitted = true, Timestamps = true, TsVal = 1,
            Window = new TcpRepairWindow { snd_wl1 = 2000, snd_wnd = 65535, max_window = 65535, rcv_wnd = 65535, rcv_wup = 2000 },
        }, ReadOnlyMemory<byte>.Empty),
        DateTimeOffset.UtcNow);

    /// <summary>
    /// A bare gRPC client to a target on <paramref name="port"/> with n1's certificate and the product's channel settings:
    /// for calls the origin's <see cref="ControlChannel"/> does not make (the unary <c>HandOver</c>, a malformed request).
    /// </summary>
    public static DtsControl.DtsControlClient RawClient(ControlCertificates certificates, int port, out IDisposable channel)
    {
        var grpc = Grpc.Net.Client.GrpcChannel.ForAddress($"https://127.0.0.1:{port}", new Grpc.Net.Client.GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                SslOptions = new System.Net.Security.SslClientAuthenticationOptions
                {
                    ClientCertificates = [certificates.NodeCertificate],
                    RemoteCertificateValidationCallback = (_, certificate, _, _) => certificates.IsClusterPeer(certificate),
                },
            },
            DisposeHttpClient = true,
            MaxReceiveMessageSize = ControlChannel.MaxMessageSize,
            MaxSendMessageSize = ControlChannel.MaxMessageSize,
        });
        channel = grpc;
        return new DtsControl.DtsControlClient(grpc);
    }

    private static DtsCertificateOptions Certificates(string directory) => new()
    {
        CaPath = Path.Combine(directory, "ca.pem"),
        CertPath = Path.Combine(directory, "n1.pem"),
        KeyPath = Path.Combine(directory, "n1.key"),
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
