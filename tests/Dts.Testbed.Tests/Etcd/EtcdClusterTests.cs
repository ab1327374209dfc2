using Dts.Testbed.Etcd;
using Dts.Testbed.Namespaces;

namespace Dts.Testbed.Tests.Etcd;

/// <summary>The testbed's etcd cluster: one member per node namespace, started with the testbed and gone with it.</summary>
public sealed class EtcdClusterTests
{
    [RootFact]
    public async Task UpAsync_Etcd_ThreeHealthyMembersShareOneKeyspace()
    {
        await using var tb = await Testbed.UpAsync(new TestbedOptions { NodeCount = 3 });
        using var fromN2 = tb.CreateHttpClient(tb.NodeNamespace(2), TimeSpan.FromSeconds(5));
        string key = tb.EtcdPrefix + "probe";

        await EtcdGateway.PutAsync(fromN2, tb.EtcdEndpoints[0], key, tb.RunId);
        string? readViaN3 = await EtcdGateway.GetAsync(fromN2, tb.EtcdEndpoints[2], key);

        Assert.Equal(["http://198.18.0.11:2379", "http://198.18.0.12:2379", "http://198.18.0.13:2379"], tb.EtcdEndpoints);
        Assert.All(Enumerable.Range(1, 3), i => Assert.True(tb.IsEtcdMemberRunning(i), $"etcd member n{i}"));
        Assert.Equal($"/dts/{tb.RunId}/", tb.EtcdPrefix);
        Assert.Equal(tb.RunId, readViaN3);
        Assert.True(File.Exists(tb.EtcdLogPath(1)));
    }

    [RootFact]
    public async Task StopEtcdMemberAsync_OneOfThree_OthersKeepServingAndItRejoinsWithItsData()
    {
        await using var tb = await Testbed.UpAsync(new TestbedOptions { NodeCount = 3 });
        using var fromN1 = tb.CreateHttpClient(tb.NodeNamespace(1), TimeSpan.FromSeconds(5));
        string key = tb.EtcdPrefix + "while-n2-is-down";

        await tb.StopEtcdMemberAsync(2);
        bool runningAfterStop = tb.IsEtcdMemberRunning(2);
        await EtcdGateway.PutAsync(fromN1, tb.EtcdEndpoints[0], key, "written by n1");
        string? readViaN3 = await EtcdGateway.GetAsync(fromN1, tb.EtcdEndpoints[2], key);
        await Assert.ThrowsAsync<HttpRequestException>(() => EtcdGateway.GetAsync(fromN1, tb.EtcdEndpoints[1], key));

        await tb.StartEtcdMemberAsync(2);
        string? readViaN2 = await EtcdGateway.GetAsync(fromN1, tb.EtcdEndpoints[1], key);

        Assert.False(runningAfterStop);
        Assert.Equal("written by n1", readViaN3);
        Assert.True(tb.IsEtcdMemberRunning(2));
        Assert.Equal("written by n1", readViaN2);
    }

    [RootFact]
    public async Task DownAsync_Etcd_LeavesNoEtcdProcessAndNoData()
    {
        var tb = await Testbed.UpAsync(new TestbedOptions { NodeCount = 3 });
        var members = await EtcdProcessesAsync(tb);
        string dataRoot = TestbedLayout.EtcdDataRootOf(tb.RunId, tb.RunDirectory);
        bool dataExisted = Directory.Exists(Path.Combine(dataRoot, "n3.etcd", "member"));

        await tb.DownAsync();

        Assert.Equal(3, members.Count);
        Assert.True(dataExisted, dataRoot);
        Assert.All(members, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"etcd pid {pid} still runs"));
        Assert.False(Directory.Exists(dataRoot), dataRoot);
    }

    [RootFact]
    public async Task CleanupAsync_LeftoverWithEtcd_KillsItsMembersAndRemovesTheirData()
    {
        var tb = await Testbed.UpAsync(new TestbedOptions { NodeCount = 2, RunDirectory = $"/run/dts-testbed-test-{Environment.ProcessId}-etcd" });
        var members = await EtcdProcessesAsync(tb);
        string dataRoot = TestbedLayout.EtcdDataRootOf(tb.RunId, tb.RunDirectory);
        tb.Abandon();

        var removed = await Testbed.CleanupAsync(all: false);

        Assert.Contains(tb.RunId, removed);
        Assert.Equal(Path.Combine(tb.RunDirectory, "etcd"), dataRoot);
        Assert.Equal(2, members.Count);
        Assert.All(members, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"etcd pid {pid} still runs"));
        Assert.False(Directory.Exists(tb.RunDirectory), tb.RunDirectory);
    }

    [RootFact]
    public async Task UpAsync_Static_RunsNoEtcd()
    {
        await using var tb = await Testbed.UpAsync(new TestbedOptions { NodeCount = 1, Membership = TestbedMembership.Static });

        Assert.Empty(tb.EtcdEndpoints);
        Assert.Empty(await EtcdProcessesAsync(tb));
        Assert.Throws<InvalidOperationException>(() => tb.IsEtcdMemberRunning(1));
    }

    private static async Task<IReadOnlyList<int>> EtcdProcessesAsync(Testbed tb) =>
        [.. (await Task.WhenAll(Enumerable.Range(1, tb.NodeCount).Select(i => Netns.PidsAsync(tb.NodeNamespace(i), default))))
            .SelectMany(p => p)
            .Where(EtcdMember.IsEtcdProcess)];
}
