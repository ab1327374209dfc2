using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dts.Testbed.Configuration;

/// <summary>
/// Writes <c>&lt;rundir&gt;/n&lt;i&gt;.json</c>: the <c>Dts</c> section a node reads through
/// <c>--Dts:ConfigFile=</c>, plus <see cref="TestbedOptions.NodeSettings"/> merged in by configuration path.
/// </summary>
internal static class NodeConfigWriter
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static void Write(TestbedLayout layout, TestbedCertificates certificates, int node)
    {
        var o = layout.Options;
        var nodes = new JsonArray();
        for (int i = 1; i <= layout.NodeCount; i++)
        {
            nodes.Add(new JsonObject { ["Id"] = TestbedLayout.NodeId(i), ["Address"] = layout.NodeAddress(i).ToString() });
        }

        var root = new JsonObject
        {
            ["Dts"] = new JsonObject
            {
                ["NodeId"] = TestbedLayout.NodeId(node),
                ["Vip"] = o.Vip.ToString(),
                ["Port"] = o.Port,
                ["ControlPort"] = o.ControlPort,
                ["Mechanism"] = o.Mechanism,
                ["HashSeed"] = o.HashSeed,
                ["Nodes"] = nodes,
                ["Certificates"] = new JsonObject
                {
                    ["CaPath"] = certificates.CaCertificatePath,
                    ["CertPath"] = certificates.NodeCertificatePath(node),
                    ["KeyPath"] = certificates.NodeKeyPath(node),
                },
            },
        };

        foreach (var (key, value) in o.NodeSettings)
        {
            Set(root, key, value);
        }

        File.WriteAllText(layout.NodeConfigPath(node), root.ToJsonString(JsonOptions) + "\n");
    }

    /// <summary>Sets <c>a:b:c</c> = value, creating objects on the way and replacing whatever was there.</summary>
    private static void Set(JsonObject root, string path, string value)
    {
        string[] parts = path.Split(':');
        JsonObject current = root;
        foreach (string part in parts[..^1])
        {
            if (current[part] is not JsonObject next)
            {
                next = new JsonObject();
                current[part] = next;
            }

            current = next;
        }

        current[parts[^1]] = value;
    }
}
