using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace Dts.Testbed.Tests;

public sealed class TestbedNetworkTests(NetworkOnlyTestbedFixture fixture) : IClassFixture<NetworkOnlyTestbedFixture>
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);

    [RootFact]
    public async Task UpAsync_NoNodeCommand_ClientReachesEveryNodeThroughTheRouterWithoutNat()
    {
        var tb = fixture.Testbed;
        for (int i = 1; i <= tb.NodeCount; i++)
        {
            var at = new IPEndPoint(tb.NodeAddress(i), 8080);
            var (received, seenClient) = await TestSockets.ExchangeAsync(tb, tb.NodeNamespace(i), at, tb.ClientNamespace, at, tb.NodeId(i));

            Assert.Equal(tb.NodeId(i), received);
            Assert.Equal(tb.ClientAddress, seenClient);
        }
    }

    [RootFact]
    public async Task UpAsync_NoNodeCommand_NodesHoldVipOnLoAndJoinItsMulticastMac()
    {
        var tb = fixture.Testbed;
        for (int i = 1; i <= tb.NodeCount; i++)
        {
            var lo = await tb.RunInNamespaceAsync(tb.NodeNamespace(i), "ip", ["-o", "-4", "addr", "show", "dev", "lo"], CommandTimeout);
            var maddr = await tb.RunInNamespaceAsync(tb.NodeNamespace(i), "ip", ["maddr", "show", "dev", "eth0"], CommandTimeout);
            var route = await tb.RunInNamespaceAsync(tb.NodeNamespace(i), "ip", ["route", "show", "default"], CommandTimeout);

            Assert.Contains($"{tb.Vip}/32", lo.EnsureSuccess().StandardOutput, StringComparison.Ordinal);
            Assert.Contains("01:00:5e:12:00:64", maddr.EnsureSuccess().StandardOutput, StringComparison.Ordinal);
            Assert.Contains($"via {tb.RouterNodeSideAddress}", route.EnsureSuccess().StandardOutput, StringComparison.Ordinal);
        }
    }

    [RootFact]
    public async Task UpAsync_Switch_BridgeFloodsMulticastAndRouterForwardsWithoutStaticVipNeighbour()
    {
        var tb = fixture.Testbed;
        var bridge = await tb.RunInNamespaceAsync(tb.SwitchNamespace, "ip", ["-d", "link", "show", "br0"], CommandTimeout);
        var ports = await tb.RunInNamespaceAsync(tb.SwitchNamespace, "ip", ["-o", "link", "show", "master", "br0"], CommandTimeout);
        var forward = await tb.RunInNamespaceAsync(tb.RouterNamespace, "sysctl", ["-n", "net.ipv4.ip_forward"], CommandTimeout);
        var neigh = await tb.RunInNamespaceAsync(tb.RouterNamespace, "ip", ["neigh", "show", "nud", "permanent"], CommandTimeout);

        Assert.Contains("mcast_snooping 0", bridge.EnsureSuccess().StandardOutput, StringComparison.Ordinal);
        Assert.Equal(tb.NodeCount + 1, ports.EnsureSuccess().StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal("1", forward.EnsureSuccess().StandardOutput.Trim());
        Assert.Equal(string.Empty, neigh.EnsureSuccess().StandardOutput.Trim());
    }

    [RootFact]
    public void UpAsync_Certificates_NodeCertificatesChainToClusterCaAndRogueDoesNot()
    {
        var certs = fixture.Testbed.Certificates;
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(certs.CaCertificatePath));
        using var n2 = X509Certificate2.CreateFromPemFile(certs.NodeCertificatePath(2), certs.NodeKeyPath(2));
        using var rogue = X509Certificate2.CreateFromPemFile(certs.RogueCertificatePath, certs.RogueKeyPath);

        Assert.True(n2.HasPrivateKey);
        Assert.True(Chains(n2, ca));
        Assert.False(Chains(rogue, ca));
        Assert.Equal("n2", n2.GetNameInfo(X509NameType.DnsName, forIssuer: false));
        var san = n2.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains(fixture.Testbed.NodeAddress(2), san.EnumerateIPAddresses());
        var eku = n2.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value);
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], eku);
    }

    [RootFact]
    public void UpAsync_NodeConfig_HasDtsSectionWithPeersCertificatesAndExtraSettings()
    {
        var tb = fixture.Testbed;
        var root = JsonNode.Parse(File.ReadAllText(tb.NodeConfigPath(2)))!;
        var dts = root["Dts"]!;

        Assert.Equal("n2", (string?)dts["NodeId"]);
        Assert.Equal("198.18.0.100", (string?)dts["Vip"]);
        Assert.Equal(80, (int)dts["Port"]!);
        Assert.Equal(7443, (int)dts["ControlPort"]!);
        Assert.Equal(9090, (int)dts["ManagementPort"]!);
        Assert.True((bool)dts["ResponseHeaders"]!);
        Assert.Equal("Repair", (string?)dts["Mechanism"]);
        Assert.Equal(0x5eedu, (uint)dts["HashSeed"]!);
        Assert.Equal(["198.18.0.11", "198.18.0.12", "198.18.0.13"], dts["Nodes"]!.AsArray().Select(n => (string?)n!["Address"]));
        Assert.Equal(tb.Certificates.NodeKeyPath(2), (string?)dts["Certificates"]!["KeyPath"]);
        Assert.Equal("500", (string?)dts["Handover"]!["TimeoutMs"]);
        Assert.Equal("Warning", (string?)root["Logging"]!["LogLevel"]!["Default"]);
    }

    [RootFact]
    public async Task RunInClientAsync_Timeout_KillsTheProcessAndReportsIt()
    {
        var started = DateTime.UtcNow;
        var result = await fixture.Testbed.RunInClientAsync("sleep", ["30"], TimeSpan.FromMilliseconds(300));

        Assert.True(result.TimedOut);
        Assert.False(result.Succeeded);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
        Assert.Throws<TestbedCommandException>(() => result.EnsureSuccess());
    }

    [RootFact]
    public async Task RunInClientAsync_BinaryOutput_IsKeptByteForByte()
    {
        var result = await fixture.Testbed.RunInClientAsync("sh", ["-c", @"printf '\000\001\377'; echo oops >&2; exit 3"], CommandTimeout);

        Assert.Equal(new byte[] { 0, 1, 255 }, result.StandardOutputBytes.ToArray());
        Assert.Equal("oops", result.StandardError.Trim());
        Assert.Equal(3, result.ExitCode);
    }

    private static bool Chains(X509Certificate2 leaf, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }
}
