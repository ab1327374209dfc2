using System.Text;
using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests;

/// <summary>(h) Bad input gets a clear answer from the origin and is never handed over.</summary>
public abstract class BadInputTests(ClusterFixture cluster)
{
    [RootFact]
    public async Task MalformedFirstRequest_Answered400ByOrigin_NoHandover()
    {
        var before = await cluster.SumAsync("handoversOut") + await cluster.SumAsync("handoverFailures");

        // Six connections: whichever node owns each, a dispatched /api request would be handed to n3.
        for (var i = 0; i < 6; i++)
        {
            using var raw = await RawClient.ConnectAsync(cluster.Testbed, TimeSpan.FromSeconds(5));
            await raw.SendAsync("GET /api/whoami HTTP/1.1\r\nHost: vip\r\nthis is not a header line\r\n\r\n");
            var reply = Encoding.Latin1.GetString(await raw.ReadToEndAsync(TimeSpan.FromSeconds(5)));
            Assert.StartsWith("HTTP/1.1 400 Bad Request", reply);
        }

        Assert.Equal(before, await cluster.SumAsync("handoversOut") + await cluster.SumAsync("handoverFailures"));
    }

    [RootFact]
    public async Task OversizeHeader_Answered431_NoHandover()
    {
        var before = await cluster.SumAsync("handoversOut") + await cluster.SumAsync("handoverFailures");

        for (var i = 0; i < 3; i++)
        {
            using var raw = await RawClient.ConnectAsync(cluster.Testbed, TimeSpan.FromSeconds(5));
            await raw.SendAsync($"GET /api/whoami HTTP/1.1\r\nHost: vip\r\nX-Big: {new string('a', 40_000)}\r\n\r\n");
            var reply = Encoding.Latin1.GetString(await raw.ReadToEndAsync(TimeSpan.FromSeconds(5)));
            Assert.StartsWith("HTTP/1.1 431", reply);
        }

        Assert.Equal(before, await cluster.SumAsync("handoversOut") + await cluster.SumAsync("handoverFailures"));
    }
}

[Collection(ClusterCollection.Name)]
public sealed class BadInputTestsRepair(ClusterFixture cluster) : BadInputTests(cluster);

[Collection(SpliceClusterCollection.Name)]
public sealed class BadInputTestsSplice(SpliceClusterFixture cluster) : BadInputTests(cluster);
