using System.Net;
using System.Security.Cryptography;
using Dts.Core.Handover;
using Dts.Core.Tcp;
using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests;

/// <summary>
/// Handed-over transfers under 5 % random loss (an nft rule on the router drops both directions), with the
/// client's SACK and timestamps on (the default), timestamps off, and SACK off (sysctls in the client
/// namespace only). The bytes must stay identical, and the audit of the capture (Dts.Capture) must find nothing a client
/// would not tolerate: a second SYN-ACK with another ISN, an RST, TSval going backwards, a bad checksum, a sequence gap.
/// </summary>
public abstract class LossTests(ClusterFixture cluster)
{
    private const long DownloadBytes = 64L << 20;
    private const int UploadBytes = 16 << 20;

    [RootFact]
    public Task Loss5Percent_SackAndTimestamps_BytesIdentical() => RunAsync(sack: true, timestamps: true);

    [RootFact]
    public Task Loss5Percent_TimestampsOff_BytesIdentical() => RunAsync(sack: true, timestamps: false);

    [RootFact]
    public Task Loss5Percent_SackOff_BytesIdentical() => RunAsync(sack: false, timestamps: true);

    private async Task RunAsync(bool sack, bool timestamps)
    {
        try
        {
            await RunCoreAsync(sack, timestamps);
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            // A reset or a timeout says little by itself: the nodes' logs say which handover failed and why.
            throw new Xunit.Sdk.XunitException($"{ex.GetType().Name}: {ex.Message}\n{cluster.Logs()}", ex);
        }
    }

    private async Task RunCoreAsync(bool sack, bool timestamps)
    {
        var t = cluster.Testbed;
        await ClientSysctlsAsync(sack, timestamps);
        await RouterAsync("add table inet dtsloss",
            "add chain inet dtsloss lossy { type filter hook forward priority 0; policy accept; }",
            "add rule inet dtsloss lossy meta l4proto tcp numgen random mod 100 < 5 drop");
        try
        {
            // On the router's switch leg, before the lossy forward chain: the server's segments as sent, the client's
            // as they got through. The audit judges every flow; the two transfers must be among the handed-over ones.
            await using var capture = await RouterCapture.StartAsync(t, "eth0", t.VipCaptureFilter);
            var downloadPort = await DownloadAsync();
            var uploadPort = await UploadAsync();
            var segments = await capture.StopAsync();
            var report = await capture.AuditAsync();

            Assert.Equal(0, capture.Dropped);
            Assert.True(report.Clean, string.Join("\n", report.Violations.Take(20)));
            Assert.All(report.Flows, f => Assert.True(f.ServerResets == 0 && f.ClientResets == 0, $"RST on {f.Name}"));
            foreach (var port in new[] { downloadPort, uploadPort })
            {
                var flow = report.Flows.Last(f => f.Client.Port == port);
                Assert.True(flow.HandedOver, $"{flow.Name} was not handed over on the wire");
                if (!timestamps)
                {
                    Assert.DoesNotContain(segments, s => s.Source.Equals(t.Vip) && s.DestinationPort == port && s.TsVal is not null);
                }
                if (cluster.Mechanism == HandoverMechanism.Splice)
                {
                    // Data comes only from the target, through the translator, which leaves complete checksums: judged, not skipped.
                    Assert.True(flow.ChecksumsVerified > 0, $"{flow.Name}: no checksum verified");
                }
            }
        }
        finally
        {
            await RouterAsync("delete table inet dtsloss");
            await ClientSysctlsAsync(sack: true, timestamps: true);
        }
    }

    /// <summary>A handed-over 64 MiB download; returns the client port of the connection.</summary>
    private Task<int> DownloadAsync() => Handovers.UntilHandedOverAsync(async () =>
    {
        using var http = cluster.Testbed.CreateClientHttpClient(TimeSpan.FromSeconds(120));
        using var response = await http.GetAsync($"http://{cluster.Testbed.Vip}/api/bytes/{DownloadBytes}", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = await body.ReadAsync(buffer)) > 0)
        {
            sha.AppendData(buffer, 0, n);
            total += n;
        }
        var handedOver = response.Headers.Contains("X-Dts-Origin");
        if (handedOver)
        {
            Assert.Equal(DownloadBytes, total);
            Assert.Equal(SampleContent.Sha256Hex(DownloadBytes), Convert.ToHexStringLower(sha.GetHashAndReset()));
        }
        return (handedOver, await WhoAmIPortAsync(http));
    });

    /// <summary>A handed-over 16 MiB upload to POST /api/echo; returns the client port of the connection.</summary>
    private Task<int> UploadAsync() => Handovers.UntilHandedOverAsync(async () =>
    {
        var body = SampleContent.Upload(UploadBytes);
        using var http = cluster.Testbed.CreateClientHttpClient(TimeSpan.FromSeconds(120));
        using var response = await http.PostAsync($"http://{cluster.Testbed.Vip}/api/echo", new ByteArrayContent(body));
        response.EnsureSuccessStatusCode();
        var handedOver = response.Headers.Contains("X-Dts-Origin");
        if (handedOver)
        {
            Assert.Equal($"{Convert.ToHexStringLower(SHA256.HashData(body))} {body.Length}\n", await response.Content.ReadAsStringAsync());
        }
        return (handedOver, await WhoAmIPortAsync(http));
    });

    /// <summary>The client port of <paramref name="http"/>'s (kept-alive) connection, as the server saw it.</summary>
    private async Task<int> WhoAmIPortAsync(HttpClient http)
    {
        var json = await http.GetStringAsync($"http://{cluster.Testbed.Vip}/api/whoami");
        var client = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("client").GetString()!;
        return IPEndPoint.Parse(client).Port;
    }

    private async Task ClientSysctlsAsync(bool sack, bool timestamps)
    {
        var r = await cluster.Testbed.RunInClientAsync("sysctl",
            ["-w", $"net.ipv4.tcp_sack={(sack ? 1 : 0)}", $"net.ipv4.tcp_timestamps={(timestamps ? 1 : 0)}"], TimeSpan.FromSeconds(5));
        Assert.True(r.Succeeded, r.StandardError);
    }

    private async Task RouterAsync(params string[] commands)
    {
        foreach (var command in commands)
        {
            var r = await cluster.Testbed.RunInNamespaceAsync(cluster.Testbed.RouterNamespace, "nft", [command], TimeSpan.FromSeconds(5));
            Assert.True(r.Succeeded, $"nft {command}: {r.StandardError}");
        }
    }
}

[Collection(ClusterCollection.Name)]
public sealed class LossTestsRepair(ClusterFixture cluster) : LossTests(cluster);

[Collection(SpliceClusterCollection.Name)]
public sealed class LossTestsSplice(SpliceClusterFixture cluster) : LossTests(cluster);
