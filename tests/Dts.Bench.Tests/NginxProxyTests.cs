using System.Net;
using DtsTestbed = Dts.Testbed.Testbed;

namespace Dts.Bench.Tests;

public sealed class NginxProxyTests
{
    /// <summary>The node namespace holds the node's etcd member too: stopping the bench's nginx must not stop it.</summary>
    [RootFact]
    public async Task StartAsync_NodeNamespaceWithEtcdMember_OwnsOnlyNginxAndLeavesTheMemberRunning()
    {
        await using var tb = await DtsTestbed.UpAsync(new Dts.Testbed.TestbedOptions { NodeCount = 1 });
        var proxy = await NginxProxy.StartAsync(tb, 1, new IPEndPoint(tb.NodeAddress(1), 8080), new IPEndPoint(tb.NodeAddress(1), 80), CancellationToken.None);
        var pids = proxy.ProcessIds;

        await proxy.DisposeAsync();

        Assert.NotEmpty(pids);
        Assert.All(pids, pid => Assert.False(Dts.Testbed.Processes.Signals.IsAlive(pid), $"nginx pid {pid} still runs"));
        Assert.True(tb.IsEtcdMemberRunning(1), "the bench's nginx teardown killed the etcd member");
    }
}
