using System.Diagnostics;
using System.Net;
using Dts.Testbed.Namespaces;

namespace Dts.Testbed.Tests;

public sealed class TestbedLifecycleTests
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);

    [RootFact]
    public async Task UpAsync_RootNamespace_GetsNoNewLinksOrAddresses()
    {
        string linksBefore = await RootAsync("-o", "link", "show");
        string addrsBefore = await RootAsync("-o", "addr", "show");

        await using (var tb = await Testbed.UpAsync(new TestbedOptions { NodeCount = 2 }))
        {
            Assert.Equal(Names(linksBefore), Names(await RootAsync("-o", "link", "show")));
            Assert.Equal(addrsBefore, await RootAsync("-o", "addr", "show"));
        }

        Assert.Equal(Names(linksBefore), Names(await RootAsync("-o", "link", "show")));
    }

    [RootFact]
    public async Task DownAsync_AfterUp_RemovesEveryNamespaceTheRegistryEntryAndTheRunDirectory()
    {
        var tb = await Testbed.UpAsync(new TestbedOptions { NodeCount = 2 });
        var namespaces = tb.Namespaces;
        Assert.All(namespaces, ns => Assert.True(Netns.Exists(ns), ns));
        Assert.Contains(Testbed.List(), t => t.RunId == tb.RunId && t.IsOwnerAlive && !t.IsLeftover);
        Assert.True(File.Exists(tb.Certificates.CaCertificatePath));

        await tb.DownAsync();
        await tb.DownAsync();

        Assert.Equal(5, namespaces.Count);
        Assert.DoesNotContain(Netns.List(), ns => ns.Contains(tb.RunId, StringComparison.Ordinal));
        Assert.DoesNotContain(Testbed.List(), t => t.RunId == tb.RunId);
        Assert.False(Directory.Exists(tb.RunDirectory));
    }

    [RootFact]
    public async Task CleanupAsync_OwnerDead_RemovesLeftoverKillsItsProcessesAndKeepsLiveTestbeds()
    {
        await using var live = await Testbed.UpAsync(new TestbedOptions { NodeCount = 1 });
        var leftover = await Testbed.UpAsync(new TestbedOptions { NodeCount = 1 });
        leftover.Abandon();
        using var straggler = Process.Start("ip", ["netns", "exec", leftover.NodeNamespace(1), "sleep", "60"]);
        await WaitUntilAsync(async () => (await Netns.PidsAsync(leftover.NodeNamespace(1), default)).Contains(straggler.Id));

        var removed = await Testbed.CleanupAsync(all: false);

        Assert.Contains(leftover.RunId, removed);
        Assert.DoesNotContain(live.RunId, removed);
        Assert.DoesNotContain(Netns.List(), ns => ns.Contains(leftover.RunId, StringComparison.Ordinal));
        Assert.False(Directory.Exists(leftover.RunDirectory));
        Assert.True(straggler.WaitForExit(TimeSpan.FromSeconds(5)), "the process left in the namespace was not killed");
        Assert.All(live.Namespaces, ns => Assert.True(Netns.Exists(ns), ns));
    }

    [RootFact]
    public async Task CleanupAsync_DetachedTestbed_IsKeptUntilRemovedExplicitly()
    {
        var detached = await Testbed.UpAsync(new TestbedOptions { NodeCount = 1 });
        detached.Detach();
        detached.Abandon();

        var removed = await Testbed.CleanupAsync(all: false);
        bool existedAfterCleanup = detached.Namespaces.All(Netns.Exists);
        bool found = await Testbed.RemoveAsync(detached.RunId);

        Assert.DoesNotContain(detached.RunId, removed);
        Assert.True(existedAfterCleanup);
        Assert.True(found);
        Assert.DoesNotContain(Netns.List(), ns => ns.Contains(detached.RunId, StringComparison.Ordinal));
    }

    [RootFact]
    public async Task CleanupAsync_WhileTestbedIsBuilt_NeverRemovesIt()
    {
        var up = Testbed.UpAsync(new TestbedOptions { NodeCount = 2 });
        var removed = new List<string>();
        int cleanups = 0;
        while (!up.IsCompleted)
        {
            removed.AddRange(await Testbed.CleanupAsync(all: false));
            cleanups++;
        }

        await using var tb = await up;
        var listed = Testbed.List().Single(t => t.RunId == tb.RunId);

        Assert.True(cleanups > 0);
        Assert.DoesNotContain(tb.RunId, removed);
        Assert.All(tb.Namespaces, ns => Assert.True(Netns.Exists(ns), ns));
        Assert.True(listed.IsOwnerAlive);
        Assert.False(listed.IsLeftover);
    }

    [RootFact]
    public async Task Abandon_OwnerLetsGo_TestbedBecomesALeftover()
    {
        var tb = await Testbed.UpAsync(new TestbedOptions { NodeCount = 1 });
        bool leftoverBefore = Testbed.List().Single(t => t.RunId == tb.RunId).IsLeftover;

        tb.Abandon();
        var after = Testbed.List().Single(t => t.RunId == tb.RunId);
        bool found = await Testbed.RemoveAsync(tb.RunId);

        Assert.False(leftoverBefore);
        Assert.False(after.IsOwnerAlive);
        Assert.True(after.IsLeftover);
        Assert.True(found);
        Assert.DoesNotContain(Netns.List(), ns => ns.Contains(tb.RunId, StringComparison.Ordinal));
        Assert.False(File.Exists($"/run/dts-testbed/{tb.RunId}.lock"));
    }

    [RootFact]
    public async Task UpAsync_TwoTestbedsAtOnce_DoNotCollide()
    {
        var ups = await Task.WhenAll(
            Testbed.UpAsync(new TestbedOptions { NodeCount = 2 }),
            Testbed.UpAsync(new TestbedOptions { NodeCount = 2 }));
        await using var a = ups[0];
        await using var b = ups[1];

        // Same addresses, same port, in both: each client reaches its own run's node.
        var at = new IPEndPoint(a.NodeAddress(2), 8080);
        var fromA = await TestSockets.ExchangeAsync(a, a.NodeNamespace(2), at, a.ClientNamespace, at, a.RunId);
        var fromB = await TestSockets.ExchangeAsync(b, b.NodeNamespace(2), at, b.ClientNamespace, at, b.RunId);

        Assert.NotEqual(a.RunId, b.RunId);
        Assert.Empty(a.Namespaces.Intersect(b.Namespaces));
        Assert.Equal(a.RunId, fromA.Received);
        Assert.Equal(b.RunId, fromB.Received);
    }

    [RootFact]
    public async Task UpAsync_NodeExitsAtStart_ThrowsWithLogTailAndLeavesNothingBehind()
    {
        string runId = $"{Environment.ProcessId}-fa11";
        var options = new TestbedOptions
        {
            RunId = runId,
            NodeCount = 2,
            NodeCommand = ["sh", "-c", "echo \"boom $0\"; exit 3"],
        };

        var ex = await Assert.ThrowsAsync<TestbedNodeException>(() => Testbed.UpAsync(options));

        Assert.Contains("exited with code 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"boom --Dts:ConfigFile=/tmp/dts-testbed/{runId}/n{ex.Node}.json", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Netns.List(), ns => ns.Contains(runId, StringComparison.Ordinal));
        Assert.False(Directory.Exists($"/tmp/dts-testbed/{runId}"));
    }

    private static async Task<string> RootAsync(params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo("ip", args) { RedirectStandardOutput = true })!;
        string output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return output;
    }

    private static string[] Names(string ipOLink) =>
        [.. ipOLink.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(':', l.Split(':').Take(2)))];

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + CommandTimeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(50);
        }
    }
}
