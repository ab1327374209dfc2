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

    public void Dispose() => _dir.Delete(recursive: true);
}
