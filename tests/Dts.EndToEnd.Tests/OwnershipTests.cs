using System.Text;
using Dts.Core.Ownership;
using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests;

/// <summary>The nodes' nft rule and <see cref="FlowOwner"/> agree on who owns a client port.</summary>
[Collection(ClusterCollection.Name)]
public sealed class OwnershipTests(ClusterFixture cluster)
{
    [RootFact]
    public async Task FlowOwner_PredictsTheOriginTheKernelChose()
    {
        var t = cluster.Testbed;
        var byOwner = new int[t.NodeCount];
        // Ports below the client's ephemeral range (32768-60999): a connection of another test of this cluster
        // may hold 40000 and up, and binding it then fails (EADDRINUSE, seen in a fresh-clone CI run).
        for (var port = 12_000; port < 12_024; port++)
        {
            var expected = t.OwnerIndex(port);
            byOwner[expected]++;

            using var raw = await RawClient.ConnectAsync(t, TimeSpan.FromSeconds(5), localPort: port);
            await raw.SendAsync("GET /static/whoami HTTP/1.1\r\nHost: vip\r\nConnection: close\r\n\r\n");
            var reply = Encoding.ASCII.GetString(await raw.ReadToEndAsync(TimeSpan.FromSeconds(5)));

            // /static/** is served by n2; the origin is n2 itself or named by X-Dts-Origin.
            var origin = reply.Split("\r\n").FirstOrDefault(l => l.StartsWith("X-Dts-Origin: ", StringComparison.Ordinal))?["X-Dts-Origin: ".Length..] ?? "n2";
            Assert.Equal(t.NodeId(expected + 1), origin);
        }
        Assert.All(byOwner, n => Assert.True(n > 0, "24 ports should land on every node"));
    }
}
