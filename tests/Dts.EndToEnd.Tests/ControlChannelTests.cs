using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests;

/// <summary>(i) The control channel (gRPC over mutual TLS) talks only to peers with a cluster certificate.</summary>
public abstract class ControlChannelTests(ClusterFixture cluster)
{
    // HTTP/2 connection preface (RFC 9113 §3.4) followed by an empty SETTINGS frame.
    private static readonly byte[] Preface =
        [.. "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8, 0, 0, 0, 4, 0, 0, 0, 0, 0];

    [RootFact]
    public async Task Peer_WithClusterCertificate_GetsHttp2Settings()
    {
        var c = cluster.Testbed.Certificates;
        using var cert = X509Certificate2.CreateFromPemFile(c.NodeCertificatePath(1), c.NodeKeyPath(1));

        var answer = await TalkAsync(cert);

        Assert.True(answer.Length >= 9 && answer[3] == 4, "expected a SETTINGS frame from the control port");
    }

    [RootFact]
    public async Task Peer_WithRogueCertificate_IsRefused()
    {
        var c = cluster.Testbed.Certificates;
        using var rogue = X509Certificate2.CreateFromPemFile(c.RogueCertificatePath, c.RogueKeyPath);

        Assert.Empty(await TalkAsync(rogue));
    }

    [RootFact]
    public async Task Peers_FromEveryNode_AllReachableOverMutualTls()
    {
        var t = cluster.Testbed;
        using var http = t.CreateClientHttpClient(TimeSpan.FromSeconds(10));
        for (var i = 1; i <= t.NodeCount; i++)
        {
            var peers = await http.GetFromJsonAsync<JsonElement>(t.ManagementUri(i, "/dts/peers"));

            Assert.Equal(t.NodeCount - 1, peers.GetArrayLength());
            foreach (var peer in peers.EnumerateArray())
            {
                Assert.True(peer.GetProperty("reachable").GetBoolean(), peer.ToString());
                Assert.InRange(peer.GetProperty("roundTripUs").GetDouble(), 1, 1_000_000);
                Assert.Equal(cluster.Mechanism.ToString(), peer.GetProperty("mechanism").GetString());
            }
        }
    }

    [RootFact]
    public async Task Peer_WithoutCertificate_IsRefused() => Assert.Empty(await TalkAsync(null));

    /// <summary>Opens TLS to n2's control port from the client namespace and returns what the server sends (empty when refused).</summary>
    private async Task<byte[]> TalkAsync(X509Certificate2? clientCertificate)
    {
        var t = cluster.Testbed;
        using var socket = t.CreateSocket(t.ClientNamespace, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(t.NodeAddress(2), t.Options.ControlPort));
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "n2",
                ApplicationProtocols = [SslApplicationProtocol.Http2],
                ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
#pragma warning disable CA5359 // The test plays an attacker: it trusts any server so that only the server's check of the client decides.
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
            }, cts.Token);
            await tls.WriteAsync(Preface, cts.Token);
            var buffer = new byte[64];
            var n = await tls.ReadAsync(buffer, cts.Token);
            return buffer[..n];
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or SocketException)
        {
            return [];
        }
    }
}

[Collection(ClusterCollection.Name)]
public sealed class ControlChannelTestsRepair(ClusterFixture cluster) : ControlChannelTests(cluster);

[Collection(SpliceClusterCollection.Name)]
public sealed class ControlChannelTestsSplice(SpliceClusterFixture cluster) : ControlChannelTests(cluster);
