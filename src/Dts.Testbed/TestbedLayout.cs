using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Dts.Core.Handover;
using Dts.Core.Ownership;

namespace Dts.Testbed;

/// <summary>Names and addresses of one run, derived once from <see cref="TestbedOptions"/>.</summary>
internal sealed partial class TestbedLayout
{
    public const string NamespacePrefix = "dts-";
    public const string BridgeName = "br0";
    public const int FirstNodeHost = 11;

    public TestbedLayout(TestbedOptions options)
    {
        Options = options;
        RunId = options.RunId ?? NewRunId();
        RunDirectory = options.RunDirectory ?? Path.Combine(DefaultRoot, RunId);
    }

    /// <summary>Parent of the default run directories.</summary>
    public static string DefaultRoot => "/tmp/dts-testbed";

    public TestbedOptions Options { get; }

    public string RunId { get; }

    public string RunDirectory { get; }

    public int NodeCount => Options.NodeCount;

    public string SwitchNamespace => Name("sw");

    public string RouterNamespace => Name("rt");

    public string ClientNamespace => Name("cl");

    public string NodeNamespace(int node) => Name(NodeId(node));

    /// <summary>All namespaces, the switch last (deleting it last keeps the others' peers valid until then).</summary>
    public IReadOnlyList<string> AllNamespaces =>
        [.. Enumerable.Range(1, NodeCount).Select(NodeNamespace), RouterNamespace, ClientNamespace, SwitchNamespace];

    public static string NodeId(int node) => "n" + node.ToString(CultureInfo.InvariantCulture);

    public IPAddress NodeAddress(int node) => Host(Options.NodeNetwork, FirstNodeHost - 1 + node);

    public IPAddress RouterNodeSideAddress => Host(Options.NodeNetwork, 1);

    public IPAddress RouterClientSideAddress => Host(Options.ClientNetwork, 1);

    public IPAddress ClientAddress => Host(Options.ClientNetwork, 2);

    /// <summary>The VIP's multicast MAC as <c>ip maddr</c> takes it (<see cref="MulticastMac"/>).</summary>
    public string VipMulticastMac => MulticastMac.ToText(MulticastMac.For(Options.Vip));

    public string NodeConfigPath(int node) => Path.Combine(RunDirectory, NodeId(node) + ".json");

    public string NodeLogPath(int node) => Path.Combine(RunDirectory, NodeId(node) + ".log");

    /// <summary>Splits a namespace name <c>dts-&lt;runid&gt;-&lt;role&gt;</c>; false for names that aren't ours.</summary>
    public static bool TryParseNamespace(string name, out string runId, out string role)
    {
        runId = role = string.Empty;
        int last = name.LastIndexOf('-');
        if (!name.StartsWith(NamespacePrefix, StringComparison.Ordinal) || last <= NamespacePrefix.Length)
        {
            return false;
        }

        runId = name[NamespacePrefix.Length..last];
        role = name[(last + 1)..];
        return true;
    }

    /// <summary>
    /// The owner pid encoded in a run id: its first all-digit segment (<c>&lt;pid&gt;-&lt;hex&gt;</c> for ours,
    /// <c>lt-&lt;pid&gt;-&lt;hex&gt;</c> for Dts.Linux.Tests' namespaces). Only used when a run has no registry entry.
    /// </summary>
    public static int? PidFromRunId(string runId)
    {
        foreach (string segment in runId.Split('-'))
        {
            if (segment.Length > 0 && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                return pid;
            }
        }

        return null;
    }

    /// <summary>Every problem with the options at once; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var o = Options;
        if (RunId.Length > 40 || !RunIdPattern().IsMatch(RunId))
        {
            errors.Add($"RunId '{RunId}' must be lowercase letters, digits and '-' (at most 40 characters).");
        }

        if (o.NodeCount is < 1 or > 89)
        {
            errors.Add($"NodeCount {o.NodeCount} must be between 1 and 89.");
        }

        foreach (var (name, net) in new[] { ("NodeNetwork", o.NodeNetwork), ("ClientNetwork", o.ClientNetwork) })
        {
            if (net.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || net.PrefixLength > 24)
            {
                errors.Add($"{name} {net} must be an IPv4 network of /24 or larger.");
            }
        }

        if (o.Vip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            errors.Add($"Vip {o.Vip} must be IPv4.");
        }
        else if (errors.Count == 0 && Enumerable.Range(1, o.NodeCount).Any(i => NodeAddress(i).Equals(o.Vip)))
        {
            errors.Add($"Vip {o.Vip} collides with a node address.");
        }

        if (!Enum.IsDefined(o.Mechanism))
        {
            errors.Add($"Mechanism '{o.Mechanism}' must be {string.Join(" or ", Enum.GetNames<HandoverMechanism>().Select(n => $"'{n}'"))}.");
        }

        if (o.Port == 0 || o.ControlPort == 0 || o.Port == o.ControlPort)
        {
            errors.Add($"Port {o.Port} and ControlPort {o.ControlPort} must be distinct and non-zero.");
        }

        return errors;
    }

    private string Name(string role) => $"{NamespacePrefix}{RunId}-{role}";

    private static string NewRunId() =>
        string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}-{RandomNumberGenerator.GetHexString(4, lowercase: true)}");

    private static IPAddress Host(IPNetwork network, int host)
    {
        byte[] b = network.BaseAddress.GetAddressBytes();
        uint value = ((uint)b[0] << 24 | (uint)b[1] << 16 | (uint)b[2] << 8 | b[3]) + (uint)host;
        return new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex RunIdPattern();
}
