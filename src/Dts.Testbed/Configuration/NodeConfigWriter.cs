using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Dts.Testbed.Configuration;

/// <summary>
/// Writes <c>&lt;rundir&gt;/n&lt;i&gt;.json</c>: the <c>Dts</c> section a node reads through
/// <c>--Dts:ConfigFile=</c> (a typed <see cref="DtsSection"/>, enums by name), plus
/// <see cref="TestbedOptions.NodeSettings"/> merged in by configuration path.
/// </summary>
internal static class NodeConfigWriter
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    public static void Write(TestbedLayout layout, TestbedCertificates certificates, int node)
    {
        var root = new JsonObject
        {
            [DtsSection.SectionName] = JsonSerializer.SerializeToNode(Section(layout, certificates, node), JsonOptions),
        };

        foreach (var (key, value) in layout.Options.NodeSettings)
        {
            Set(root, key, value);
        }

        File.WriteAllText(layout.NodeConfigPath(node), root.ToJsonString(JsonOptions) + "\n");
    }

    /// <summary>The <c>Dts</c> section of node <paramref name="node"/>.</summary>
    public static DtsSection Section(TestbedLayout layout, TestbedCertificates certificates, int node)
    {
        var o = layout.Options;
        return new DtsSection(
            NodeId: TestbedLayout.NodeId(node),
            Vip: o.Vip.ToString(),
            Port: o.Port,
            ControlPort: o.ControlPort,
            ManagementPort: o.ManagementPort,
            ResponseHeaders: true,
            Mechanism: o.Mechanism,
            HashSeed: o.HashSeed,
            Nodes: [.. Enumerable.Range(1, layout.NodeCount).Select(i => new DtsSectionNode(TestbedLayout.NodeId(i), layout.NodeAddress(i).ToString()))],
            Certificates: new DtsSectionCertificates(
                CaPath: certificates.CaCertificatePath,
                CertPath: certificates.NodeCertificatePath(node),
                KeyPath: certificates.NodeKeyPath(node)),
            Membership: o.Membership,
            Buckets: o.Buckets,
            Etcd: layout.HasEtcd ? new DtsSectionEtcd(layout.EtcdEndpoints, layout.EtcdPrefix, o.EtcdLeaseTtl) : null);
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
