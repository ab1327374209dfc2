using Dts.Linux.Namespaces;

namespace Dts.Linux.Tests.Infrastructure;

/// <summary>
/// Network namespaces named <c>dts-lt-&lt;pid&gt;-&lt;random&gt;-&lt;role&gt;</c>, created with <c>ip netns add</c> and
/// all removed in <see cref="Dispose"/> (also when the test failed half way).
/// </summary>
internal sealed class TestNamespaces : IDisposable
{
    private readonly string _prefix = $"dts-lt-{Environment.ProcessId}-{Random.Shared.Next(0x10000, 0xFFFFF):x}";
    private readonly List<string> _names = [];
    private readonly List<NetworkNamespace> _opened = [];

    /// <summary>Creates a namespace with loopback up and opens it.</summary>
    public NetworkNamespace Add(string role)
    {
        string name = $"{_prefix}-{role}";
        Shell.Ip($"netns add {name}");
        _names.Add(name);
        Shell.Ip($"-n {name} link set lo up");
        NetworkNamespace ns = NetworkNamespace.Open(name);
        _opened.Add(ns);
        return ns;
    }

    /// <summary>Runs <c>ip -n &lt;ns&gt; args</c>.</summary>
    public static string Ip(NetworkNamespace ns, string args) => Shell.Ip($"-n {ns.Name} {args}");

    public void Dispose()
    {
        foreach (NetworkNamespace ns in _opened)
        {
            ns.Dispose();
        }

        foreach (string name in _names)
        {
            Shell.TryRun("ip", "netns", "del", name);
        }
    }
}
