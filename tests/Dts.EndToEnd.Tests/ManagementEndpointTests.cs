using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests;

/// <summary>
/// Issue 10 item 0: the operators' endpoints (<c>/dts/*</c>) live on each node's management endpoint (its unicast
/// address, <c>Dts:ManagementPort</c>), never on the VIP and never on the port the fallback proxy uses.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ManagementEndpointTests(ClusterFixture cluster)
{
    private static readonly string[] OperatorPaths = ["/dts/stats", "/dts/health", "/dts/peers"];

    [RootFact]
    public async Task Vip_DtsPaths_ReachTheAppsOwnRouting404()
    {
        var t = cluster.Testbed;
        foreach (var path in OperatorPaths)
        {
            // A new client per request: a new connection, dispatched afresh (and handed over when another node serves it).
            using var http = t.CreateClientHttpClient(TimeSpan.FromSeconds(10));
            using var response = await http.GetAsync(new Uri($"http://{t.Vip}{path}"));

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.True(response.Headers.Contains("X-Dts-Node"), "served by the app's pipeline on some node");
        }
    }

    [RootFact]
    public async Task Vip_HostHeaderNamingTheManagementPort_StillTheApps404()
    {
        // The endpoint is chosen by the connection's local address and port, not by a Host header the client writes.
        var t = cluster.Testbed;
        using var http = t.CreateClientHttpClient(TimeSpan.FromSeconds(10));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://{t.Vip}/dts/stats"));
        request.Headers.Host = $"{t.NodeAddress(1)}:{t.ManagementPort}";

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [RootFact]
    public async Task ManagementPort_OnEveryNodeAddress_AnswersItsOwnStats()
    {
        var t = cluster.Testbed;
        using var http = t.CreateClientHttpClient(TimeSpan.FromSeconds(10));
        for (var i = 1; i <= t.NodeCount; i++)
        {
            var stats = await http.GetFromJsonAsync<JsonElement>(t.ManagementUri(i, "/dts/stats"));
            using var health = await http.GetAsync(t.ManagementUri(i, "/dts/health"));

            Assert.Equal(t.NodeId(i), stats.GetProperty("node").GetString());
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.False(health.Headers.Contains("X-Dts-Node"), "management requests are not the app's: no dispatch, no X-Dts-*");
        }
    }

    [RootFact]
    public async Task NodeServicePort_DtsPaths_NotServed()
    {
        // Dts:Port on the unicast address is where the fallback proxy forwards to: the app only.
        var t = cluster.Testbed;
        using var http = t.CreateClientHttpClient(TimeSpan.FromSeconds(10));
        foreach (var path in OperatorPaths)
        {
            using var response = await http.GetAsync(new Uri($"http://{t.NodeAddress(2)}:{t.Port}{path}"));

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [RootFact]
    public async Task ManagementPort_AppEndpoints_NotServed()
    {
        var t = cluster.Testbed;
        using var http = t.CreateClientHttpClient(TimeSpan.FromSeconds(10));

        using var response = await http.GetAsync(t.ManagementUri(3, "/api/whoami"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [RootFact]
    public async Task ManagementPort_OnTheVip_ConnectionRefused()
    {
        var t = cluster.Testbed;
        using var socket = t.CreateSocket(t.ClientNamespace, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var ex = await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(new IPEndPoint(t.Vip, t.ManagementPort), cts.Token));

        Assert.Equal(SocketError.ConnectionRefused, ex.SocketErrorCode);
    }
}
