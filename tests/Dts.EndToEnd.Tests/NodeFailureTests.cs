using System.Diagnostics;
using System.Globalization;
using Dts.Core.Handover;
using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests;

/// <summary>A testbed of its own: this test kills a node.</summary>
public sealed class FailureClusterFixture : ClusterFixture;

[CollectionDefinition(Name)]
public sealed class FailureClusterCollection : ICollectionFixture<FailureClusterFixture>
{
    public const string Name = "cluster with a node to kill (Repair)";
}

/// <summary>The same for Splice.</summary>
public sealed class SpliceFailureClusterFixture : ClusterFixture
{
    public override HandoverMechanism Mechanism => HandoverMechanism.Splice;
}

[CollectionDefinition(Name)]
public sealed class SpliceFailureClusterCollection : ICollectionFixture<SpliceFailureClusterFixture>
{
    public const string Name = "cluster with a node to kill (Splice)";
}

/// <summary>(g) A dead target never makes a request hang: the fallback or a clear error, within a bound.</summary>
public abstract class NodeFailureTests(ClusterFixture cluster)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [RootFact]
    public async Task TargetKilled_RequestsRoutedToIt_GetFallbackErrorWithinBound_ThenRecover()
    {
        var t = cluster.Testbed;
        await t.KillNodeAsync(3);

        var answered = 0;
        var unowned = 0;
        for (var i = 0; i < 12; i++)
        {
            var watch = Stopwatch.StartNew();
            var r = await t.RunInClientAsync("curl",
                ["-s", "-o", "/dev/null", "--connect-timeout", "2", "-m", "8", "-w", "%{http_code} %{time_connect}", $"http://{t.Vip}/api/whoami"],
                TimeSpan.FromSeconds(15));
            watch.Stop();
            var parts = r.StandardOutput.Split(' ');
            if (parts[0] == "000" && double.Parse(parts[1], CultureInfo.InvariantCulture) == 0)
            {
                // The dead node was this connection's owner (jhash share): nobody answers its SYN.
                unowned++;
                continue;
            }
            answered++;
            Assert.True(watch.Elapsed < Bound, $"answer took {watch.Elapsed}");
            // The proxy fallback can't reach n3 either: YARP answers 502 (Bad Gateway).
            Assert.Equal("502", parts[0]);
        }
        Assert.True(answered > 0, $"all {unowned} connections were owned by the dead node");

        // A survivor still serves (200) and says which peer its control channel lost.
        var (code, health) = await NodeHealth.GetAsync(t, 1);
        Assert.Equal(System.Net.HttpStatusCode.OK, code);
        Assert.True(health.Status() == "Degraded" && health.Check("dts-control-peers").Status() == "Degraded", health.ToString());
        Assert.Equal("unreachable", health.Check("dts-control-peers").GetProperty("data").GetProperty("n3").GetString());
        Assert.Equal("Healthy", health.Check("dts-flow-table").Status());

        await t.StartNodeAsync(3);
        var served = false;
        for (var i = 0; i < 30 && !served; i++)
        {
            var r = await t.RunInClientAsync("curl", ["-s", "-m", "5", "-D", "-", "-o", "/dev/null", $"http://{t.Vip}/api/whoami"], TimeSpan.FromSeconds(10));
            served = r.StandardOutput.Contains("200 OK", StringComparison.Ordinal) && r.StandardOutput.Contains("X-Dts-Node: n3", StringComparison.Ordinal);
            if (!served)
            {
                await Task.Delay(500);
            }
        }
        Assert.True(served, "n3 did not serve again after its restart\n" + cluster.Logs());
    }
}

[Collection(FailureClusterCollection.Name)]
public sealed class NodeFailureTestsRepair(FailureClusterFixture cluster) : NodeFailureTests(cluster);

[Collection(SpliceFailureClusterCollection.Name)]
public sealed class NodeFailureTestsSplice(SpliceFailureClusterFixture cluster) : NodeFailureTests(cluster);
