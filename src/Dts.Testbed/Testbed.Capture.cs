using System.Globalization;
using System.Net.NetworkInformation;
using System.Text.Json;

namespace Dts.Testbed;

public sealed partial class Testbed
{
    private static readonly TimeSpan LinkQueryTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Where the VIP's traffic is recorded: the router's leg on the nodes' switch (interface <c>eth0</c> in
    /// <see cref="RouterNamespace"/>). Every frame between the client and the nodes passes there, each node's with its
    /// own source MAC.
    /// </summary>
    public const string RouterSwitchInterface = "eth0";

    /// <summary>The BPF filter (tcpdump syntax) for the VIP's traffic on <see cref="Port"/>: <c>tcp port P and host VIP</c>.</summary>
    public string VipCaptureFilter => string.Create(CultureInfo.InvariantCulture, $"tcp port {Port} and host {Vip}");

    /// <summary>
    /// Each node's MAC on the switch (its <c>eth0</c>, read with <c>ip -j link show eth0</c> in its namespace), named
    /// by node id (<c>n1</c>, …): to tell which node sent what in a capture.
    /// </summary>
    /// <exception cref="TestbedCommandException"><c>ip</c> failed in a node's namespace.</exception>
    public async Task<IReadOnlyDictionary<PhysicalAddress, string>> NodeMacAddressesAsync(CancellationToken cancellationToken = default)
    {
        var names = new Dictionary<PhysicalAddress, string>();
        for (int node = 1; node <= NodeCount; node++)
        {
            var result = (await RunInNamespaceAsync(NodeNamespace(node), "ip", ["-j", "link", "show", "eth0"], LinkQueryTimeout, cancellationToken)
                .ConfigureAwait(false)).EnsureSuccess();
            using var json = JsonDocument.Parse(result.StandardOutputBytes);
            string address = json.RootElement[0].GetProperty("address").GetString() ?? string.Empty;
            names[PhysicalAddress.Parse(address.Replace(':', '-'))] = NodeId(node);
        }

        return names;
    }
}
