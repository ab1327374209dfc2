using System.Globalization;
using System.Net;

namespace Dts.Testbed.Tests;

/// <summary>Node lifecycle with a stand-in node program (<see cref="StandInNode"/>): readiness, stop, start and kill.</summary>
public sealed class TestbedNodeProcessTests
{
    [RootFact]
    public async Task StartStopKillNode_StandInNode_FollowsReadinessAndProcessState()
    {
        using var standIn = new StandInNode();
        await using var tb = await Testbed.UpAsync(new TestbedOptions
        {
            NodeCount = 2,
            Membership = TestbedMembership.Static,
            NodeCommand = standIn.Command,
            NodeWorkingDirectory = standIn.Directory,
        });
        using var http = tb.CreateClientHttpClient(TimeSpan.FromSeconds(5));

        Assert.True(tb.IsNodeRunning(1) && tb.IsNodeRunning(2));
        Assert.Contains($"config --Dts:ConfigFile={tb.NodeConfigPath(2)}", File.ReadAllText(tb.NodeLogPath(2)), StringComparison.Ordinal);
        Assert.EndsWith(tb.NodeAddress(2).ToString(), (await http.GetStringAsync(tb.ManagementUri(2, "/dts/health"))).Trim(), StringComparison.Ordinal);

        await tb.StopNodeAsync(2);
        Assert.False(tb.IsNodeRunning(2));
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync(tb.ManagementUri(2, "/dts/health")));

        await tb.StartNodeAsync(2);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(tb.ManagementUri(2, "/dts/health"))).StatusCode);

        int pid = tb.NodeProcessId(1)!.Value;
        await tb.KillNodeAsync(1);
        Assert.False(tb.IsNodeRunning(1));
        Assert.False(Directory.Exists($"/proc/{pid}"));
    }

    [RootFact]
    public async Task TryOpen_TestbedOfAnotherProcess_ActsOnTheSameNodesAndEtcdMembers()
    {
        using var standIn = new StandInNode();
        await using var owner = await Testbed.UpAsync(new TestbedOptions
        {
            NodeCount = 3,
            NodeCommand = standIn.Command,
            NodeWorkingDirectory = standIn.Directory,
        });
        using var http = owner.CreateClientHttpClient(TimeSpan.FromSeconds(5));
        int ownersPid = owner.NodeProcessId(2)!.Value;

        await using (var opened = Testbed.TryOpen(owner.RunId))
        {
            Assert.NotNull(opened);
            Assert.False(opened.IsOwner);
            Assert.Equal(owner.EtcdEndpoints, opened.EtcdEndpoints);
            Assert.Equal(ownersPid, opened.NodeProcessId(2));

            await opened.KillNodeAsync(2);
            Assert.False(owner.IsNodeRunning(2));
            // Gone, once its parent (this process, the owner) has reaped the zombie: a moment after the kill.
            var reaped = System.Diagnostics.Stopwatch.StartNew();
            while (Directory.Exists($"/proc/{ownersPid}") && reaped.Elapsed < TimeSpan.FromSeconds(2))
            {
                await Task.Delay(20);
            }
            Assert.False(Directory.Exists($"/proc/{ownersPid}"));

            await opened.StartNodeAsync(2);
            int restarted = opened.NodeProcessId(2)!.Value;
            Assert.Equal(restarted, owner.NodeProcessId(2));
            Assert.Equal(restarted, SessionOf(restarted)); // its own session: it outlives whoever started it
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(owner.ManagementUri(2, "/dts/health"))).StatusCode);

            await opened.StopNodeAsync(2);
            Assert.False(owner.IsNodeRunning(2));

            await opened.StopEtcdMemberAsync(3);
            Assert.False(owner.IsEtcdMemberRunning(3));
            await opened.StartEtcdMemberAsync(3);
            Assert.True(owner.IsEtcdMemberRunning(3));
        }

        // Disposing the opened testbed left it alone.
        Assert.All(owner.Namespaces, ns => Assert.True(Namespaces.Netns.Exists(ns), ns));
        Assert.True(owner.IsNodeRunning(1));
    }

    [Fact]
    public void TryOpen_UnknownOrInvalidRunId_IsNull()
    {
        Assert.Null(Testbed.TryOpen($"no-such-run-{Environment.ProcessId}"));
        Assert.Null(Testbed.TryOpen("../../etc/passwd"));
    }

    /// <summary>Field 6 of <c>/proc/&lt;pid&gt;/stat</c>: the session id.</summary>
    private static int SessionOf(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[3], CultureInfo.InvariantCulture);
    }
}
