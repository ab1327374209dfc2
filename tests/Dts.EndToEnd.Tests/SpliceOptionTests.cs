using System.Security.Cryptography;
using System.Text;
using Dts.Core.Ownership;
using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests;

/// <summary>
/// Splice replays the client's SYN into the target's own stack, so the target agrees to options on its own:
/// a SACK mismatch can't be bridged and must refuse the handover (the proxy serves the request), a different
/// receive window scale is bridged by rescaling the window field. The target's sysctls are changed in its
/// namespace only, and restored.
/// </summary>
[Collection(SpliceClusterCollection.Name)]
public sealed class SpliceOptionTests(SpliceClusterFixture cluster)
{
    private const int Target = 3; // /api/** is served by n3

    [RootFact]
    public async Task TargetWithoutSack_HandoverRefused_FallbackServes()
    {
        var failuresBefore = await cluster.SumAsync("handoverFailures");
        await TargetSysctlAsync("net.ipv4.tcp_sack=0");
        try
        {
            foreach (var port in PortsOwnedByOthers(3))
            {
                using var raw = await RawClient.ConnectAsync(cluster.Testbed, TimeSpan.FromSeconds(5), port);
                await raw.SendAsync("GET /api/bytes/1000 HTTP/1.1\r\nHost: vip\r\nConnection: close\r\n\r\n");
                var reply = await raw.ReadToEndAsync(TimeSpan.FromSeconds(10));
                var text = Encoding.Latin1.GetString(reply);

                Assert.StartsWith("HTTP/1.1 200 OK", text);
                Assert.Contains("X-Dts-Node: n3", text);
                Assert.Contains("X-Dts-Proxied-By: ", text);
                Assert.DoesNotContain("X-Dts-Origin: ", text);
                Assert.Equal(Enumerable.Range(0, 1000).Select(i => (byte)(i % 251)), reply[^1000..]);
            }
        }
        finally
        {
            await TargetSysctlAsync("net.ipv4.tcp_sack=1");
        }
        Assert.True(await cluster.SumAsync("handoverFailures") >= failuresBefore + 3);
    }

    [RootFact]
    public async Task TargetWithOtherWindowScale_WindowRescaled_BytesIdentical()
    {
        // A 1 MiB receive buffer makes the target announce a smaller window scale than the origin did.
        var original = (await cluster.Testbed.RunInNamespaceAsync(cluster.Testbed.NodeNamespace(Target), "sysctl", ["-n", "net.ipv4.tcp_rmem"], TimeSpan.FromSeconds(5))).StandardOutput.Trim();
        await TargetSysctlAsync("net.ipv4.tcp_rmem=4096 131072 1048576");
        try
        {
            var body = SampleContent.Upload(8 << 20);
            foreach (var port in PortsOwnedByOthers(2))
            {
                using var raw = await RawClient.ConnectAsync(cluster.Testbed, TimeSpan.FromSeconds(5), port);
                // As curl does for large bodies: the head first, the body after "100 Continue" (RFC 9110 §10.1.1),
                // so the origin dispatches on the head alone.
                await raw.SendAsync($"POST /api/echo HTTP/1.1\r\nHost: vip\r\nContent-Length: {body.Length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
                var interim = await raw.ReadUntilAsync("\r\n\r\n", TimeSpan.FromSeconds(10));
                Assert.StartsWith("HTTP/1.1 100 Continue", interim);
                await raw.SendAsync(body);
                var text = Encoding.Latin1.GetString(await raw.ReadToEndAsync(TimeSpan.FromSeconds(30)));

                Assert.Contains("X-Dts-Origin: ", text);
                Assert.EndsWith($"{Convert.ToHexStringLower(SHA256.HashData(body))} {body.Length}\n", text);
            }
        }
        finally
        {
            await TargetSysctlAsync($"net.ipv4.tcp_rmem={original.Replace('\t', ' ')}");
        }
    }

    /// <summary>Client ports whose connections another node than the target accepts (so they are handed over).</summary>
    private IEnumerable<int> PortsOwnedByOthers(int count)
    {
        var t = cluster.Testbed;
        // Below the client's ephemeral range (32768-60999), which other tests' connections draw from.
        return Enumerable.Range(8_000 + Random.Shared.Next(4_000), 2_000)
            .Where(p => t.OwnerIndex(p) != Target - 1)
            .Take(count);
    }

    private async Task TargetSysctlAsync(string assignment)
    {
        var r = await cluster.Testbed.RunInNamespaceAsync(cluster.Testbed.NodeNamespace(Target), "sysctl", ["-w", assignment], TimeSpan.FromSeconds(5));
        Assert.True(r.Succeeded, r.StandardError);
    }
}
