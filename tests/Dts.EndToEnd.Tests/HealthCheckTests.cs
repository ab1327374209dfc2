using System.Net;
using Dts.Core.Handover;
using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests;

/// <summary>
/// Issue 10 item 4: <c>/dts/health</c> on the management endpoint is the standard health-check response, with DTS's
/// checks (<c>AddHealthChecks().AddDts()</c>) and their details. (Degraded cases: <see cref="NodeFailureTests"/> for
/// the control peers, <see cref="MembershipTests"/> for the membership store.)
/// </summary>
public abstract class HealthCheckTests(ClusterFixture cluster)
{
    [RootFact]
    public async Task Health_EveryNodeOfAHealthyCluster_HealthyWithEveryCheck()
    {
        var t = cluster.Testbed;
        var buckets = 0L;
        for (var i = 1; i <= t.NodeCount; i++)
        {
            var (code, report) = await NodeHealth.GetAsync(t, i);

            Assert.Equal(HttpStatusCode.OK, code);
            Assert.True(report.Status() == "Healthy", report.ToString());
            foreach (var name in new[] { "dts-flow-table", "dts-control-peers", "dts-membership", "dts-splice-queue" })
            {
                Assert.True(report.Check(name).Status() == "Healthy", $"n{i} {name}: {report.Check(name)}");
            }
            buckets += report.Check("dts-flow-table").GetProperty("data").GetProperty("buckets").GetInt64();
            Assert.Equal(t.NodeCount - 1, report.Check("dts-control-peers").GetProperty("data").EnumerateObject().Count());
            Assert.Equal(t.NodeCount, report.Check("dts-membership").GetProperty("data").GetProperty("active").GetArrayLength());
            Assert.Equal(
                cluster.Mechanism == HandoverMechanism.Splice ? "NFQUEUE translator running" : "not used (mechanism Repair)",
                report.Check("dts-splice-queue").GetProperty("description").GetString());
        }
        // Every bucket is answered by exactly one node.
        Assert.Equal(t.Options.Buckets, buckets);
    }
}

[Collection(ClusterCollection.Name)]
public sealed class HealthCheckTestsRepair(ClusterFixture cluster) : HealthCheckTests(cluster);

[Collection(SpliceClusterCollection.Name)]
public sealed class HealthCheckTestsSplice(SpliceClusterFixture cluster) : HealthCheckTests(cluster);
