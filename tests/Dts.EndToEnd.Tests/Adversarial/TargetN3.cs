using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests.Adversarial;

/// <summary>n3 as the target of the adversarial drills: <c>/api</c> is served by n3, so connections from client ports n1 or n2 own are handed over to it.</summary>
internal static class TargetN3
{
    /// <summary><paramref name="count"/> client ports from a random window at <paramref name="from"/> that n3 does not own.</summary>
    public static int[] PortsNotOwned(ClusterFixture cluster, int from, int count) =>
        Enumerable.Range(from + Random.Shared.Next(3_000), 1_000).Where(p => cluster.Testbed.OwnerIndex(p) != 2).Take(count).ToArray();

    /// <summary>
    /// Waits (20 s at most) until a connection from a client port n3 does not own is handed over to it: the buckets
    /// settled, and after an earlier freeze n3 rejoined and the origins' circuit to it closed again. Probes from
    /// <paramref name="fromPort"/> on.
    /// </summary>
    public static async Task HandingOverAsync(ClusterFixture cluster, int fromPort)
    {
        var t = cluster.Testbed;
        var watch = Stopwatch.StartNew();
        var ports = PortsNotOwned(cluster, fromPort, 1_000);
        for (var i = 0; ; i++)
        {
            using var raw = await RawClient.ConnectAsync(t, TimeSpan.FromSeconds(5), ports[i % ports.Length]);
            await raw.SendAsync("GET /api/whoami HTTP/1.1\r\nHost: vip\r\nConnection: close\r\n\r\n");
            var reply = Encoding.Latin1.GetString(await raw.ReadToEndAsync(TimeSpan.FromSeconds(5)));
            if (KeepAliveClient.Header(reply, "X-Dts-Origin") is not null)
            {
                return;
            }
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "handovers to n3 do not work\n" + cluster.Logs());
            await Task.Delay(250);
        }
    }

    /// <summary>Freezes n3 (SIGSTOP) for <paramref name="run"/>, once handovers to it work (<see cref="HandingOverAsync"/>); SIGCONT after.</summary>
    public static async Task<T> WhileFrozenAsync<T>(ClusterFixture cluster, int probeFrom, Func<Task<T>> run)
    {
        await HandingOverAsync(cluster, probeFrom);
        var pid = cluster.Testbed.NodeProcessId(3)!.Value.ToString(CultureInfo.InvariantCulture);
        await SignalAsync("-STOP", pid);
        try
        {
            return await run();
        }
        finally
        {
            await SignalAsync("-CONT", pid);
        }
    }

    private static async Task SignalAsync(string signal, string pid)
    {
        using var kill = Process.Start("kill", [signal, pid])!;
        await kill.WaitForExitAsync();
    }
}
