using System.Text.Json.Nodes;
using Dts.Core.Handover;
using Dts.Testbed.Configuration;

namespace Dts.Testbed.Tests.Configuration;

public sealed class NodeConfigWriterTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("dts-config-");

    [Fact]
    public void Write_Splice_MechanismByNameNodesInOrderSettingsOnTop()
    {
        var layout = new TestbedLayout(new TestbedOptions
        {
            RunId = "42-beef",
            RunDirectory = _dir.FullName,
            Mechanism = HandoverMechanism.Splice,
            NodeSettings = new Dictionary<string, string> { ["Dts:HashSeed"] = "7", ["Logging:LogLevel:Default"] = "Warning" },
        });
        var certificates = new TestbedCertificates(Path.Combine(_dir.FullName, "pki"));

        NodeConfigWriter.Write(layout, certificates, 3);

        var root = JsonNode.Parse(File.ReadAllText(layout.NodeConfigPath(3)))!;
        var dts = root["Dts"]!;
        Assert.Equal("n3", (string?)dts["NodeId"]);
        Assert.Equal("Splice", (string?)dts["Mechanism"]);
        Assert.Equal("7", (string?)dts["HashSeed"]);
        Assert.Equal(["n1", "n2", "n3"], dts["Nodes"]!.AsArray().Select(n => (string?)n!["Id"]));
        Assert.Equal(certificates.NodeCertificatePath(3), (string?)dts["Certificates"]!["CertPath"]);
        Assert.Equal("Warning", (string?)root["Logging"]!["LogLevel"]!["Default"]);
    }

    [Fact]
    public void Write_Etcd_MembershipBucketsAndEveryMembersClientUrl()
    {
        var layout = new TestbedLayout(new TestbedOptions { RunId = "42-beef", RunDirectory = _dir.FullName, Buckets = 64 });

        NodeConfigWriter.Write(layout, new TestbedCertificates(_dir.FullName), 2);

        var dts = JsonNode.Parse(File.ReadAllText(layout.NodeConfigPath(2)))!["Dts"]!;
        Assert.Equal("Etcd", (string?)dts["Membership"]);
        Assert.Equal(64, (int?)dts["Buckets"]);
        Assert.Equal(
            ["http://198.18.0.11:2379", "http://198.18.0.12:2379", "http://198.18.0.13:2379"],
            dts["Etcd"]!["Endpoints"]!.AsArray().Select(e => (string?)e));
        Assert.Equal("/dts/42-beef/", (string?)dts["Etcd"]!["Prefix"]);
        Assert.Equal("00:00:02", (string?)dts["Etcd"]!["LeaseTtl"]);
    }

    [Fact]
    public void Write_Static_NoEtcdSection()
    {
        var layout = new TestbedLayout(new TestbedOptions { RunId = "42-beef", RunDirectory = _dir.FullName, Membership = TestbedMembership.Static });

        NodeConfigWriter.Write(layout, new TestbedCertificates(_dir.FullName), 1);

        var dts = JsonNode.Parse(File.ReadAllText(layout.NodeConfigPath(1)))!["Dts"]!.AsObject();
        Assert.Equal("Static", (string?)dts["Membership"]);
        Assert.Equal(256, (int?)dts["Buckets"]);
        Assert.False(dts.ContainsKey("Etcd"));
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
