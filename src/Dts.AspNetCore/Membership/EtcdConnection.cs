using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using dotnet_etcd;
using Grpc.Net.Client;

namespace Dts.AspNetCore.Membership;

/// <summary>
/// The etcd client of <see cref="EtcdMembership"/>: one gRPC channel balanced round-robin over every endpoint of
/// <c>Dts:Etcd:Endpoints</c> (a member that is down is skipped), TLS for <c>https://</c> endpoints. gRPC's own
/// retries are off (the membership's Polly pipelines retry, with backoff ≤ 1 s), and a lost connection is
/// re-dialled within 1 s instead of gRPC's default backoff of up to 120 s; HTTP/2 pings (every 10 s, above etcd's
/// 5 s minimum) find a silent member's connection dead.
/// </summary>
internal sealed class EtcdConnection : IDisposable
{
    private readonly X509Certificate2? _ca;
    private readonly X509Certificate2? _clientCertificate;

    public EtcdConnection(DtsEtcdOptions options)
    {
        var endpoints = string.Join(',', options.Endpoints);
        void Channel(GrpcChannelOptions channel)
        {
            if (channel.ServiceConfig is { } service)
            {
                service.MethodConfigs.Clear();
                service.RetryThrottling = null;
            }
            // Deadlines and cancellations surface as RpcException (DeadlineExceeded / Cancelled), one type to handle.
            channel.ThrowOperationCanceledOnCancellation = false;
            channel.InitialReconnectBackoff = TimeSpan.FromMilliseconds(100);
            channel.MaxReconnectBackoff = TimeSpan.FromSeconds(1);
            if (channel.HttpHandler is SocketsHttpHandler handler)
            {
                handler.ConnectTimeout = options.RequestTimeout;
                // A member that went silent (partitioned: no reset) keeps its HTTP/2 connection looking healthy, and
                // round robin keeps sending calls there; pings find it dead, so its subchannel is skipped. Not more
                // often than etcd's --grpc-keepalive-min-time (5 s by default): it answers pings that come sooner
                // with GOAWAY ENHANCE_YOUR_CALM and closes the connection. (The lease's keepalive stream does not
                // wait for them: an answer missing at its next tick moves it to another member.)
                handler.KeepAlivePingDelay = TimeSpan.FromSeconds(10);
                handler.KeepAlivePingTimeout = TimeSpan.FromSeconds(5);
                handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests;
            }
        }

        if (!options.Endpoints.Any(e => e.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
        {
            Client = new EtcdClient(endpoints, configureChannelOptions: Channel);
            return;
        }
        _ca = options.CaFile is { } ca ? X509CertificateLoader.LoadCertificateFromFile(ca) : null;
        _clientCertificate = options.CertFile is { } cert ? X509Certificate2.CreateFromPemFile(cert, options.KeyFile) : null;
        Client = new EtcdClient(endpoints, ConfigureTls, configureChannelOptions: Channel);
    }

    /// <summary>The dotnet-etcd client (its <see cref="EtcdClient.GetConnection"/> gives the raw KV, Lease and Watch stubs).</summary>
    public EtcdClient Client { get; }

    private void ConfigureTls(SslClientAuthenticationOptions ssl)
    {
        if (_clientCertificate is not null)
        {
            ssl.ClientCertificates = [_clientCertificate];
        }
        if (_ca is not null)
        {
            ssl.RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsTrusted(certificate, errors);
        }
    }

    /// <summary>With <c>CaFile</c>: the member's certificate must chain to that CA (no system roots) and name the host dialled.</summary>
    private bool IsTrusted(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca!);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var presented = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(presented);
    }

    public void Dispose()
    {
        Client.Dispose();
        _ca?.Dispose();
        _clientCertificate?.Dispose();
    }
}
