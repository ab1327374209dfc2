using System.Globalization;
using Dts.Linux.Namespaces;
using Dts.Testbed.Processes;

namespace Dts.Testbed.Namespaces;

/// <summary>Thin wrappers over <c>ip netns</c>, <c>ip -n</c> and <c>sysctl</c> inside a namespace.</summary>
internal static class Netns
{
    private const string Ip = "ip";

    /// <summary>Names of all named network namespaces (the entries of <c>/run/netns</c>).</summary>
    public static IReadOnlyList<string> List()
    {
        const string dir = "/run/netns";
        return Directory.Exists(dir) ? [.. Directory.EnumerateFiles(dir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)] : [];
    }

    public static bool Exists(string name) => File.Exists(NetworkNamespace.PathOf(name));

    public static Task AddAsync(string name, CancellationToken cancellationToken) =>
        CommandRunner.RunCheckedAsync(Ip, ["netns", "add", name], cancellationToken);

    /// <summary>Deletes a namespace; a namespace that is already gone is not an error.</summary>
    public static async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        if (Exists(name))
        {
            var result = await CommandRunner.RunAsync(Ip, ["netns", "del", name], CommandRunner.SetupTimeout, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded && Exists(name))
            {
                throw new TestbedCommandException(result);
            }
        }
    }

    /// <summary>Runs <c>ip -n &lt;ns&gt; &lt;args&gt;</c>.</summary>
    /// <exception cref="TestbedCommandException">The command failed.</exception>
    public static Task IpAsync(string ns, CancellationToken cancellationToken, params string[] args) =>
        CommandRunner.RunCheckedAsync(Ip, ["-n", ns, .. args], cancellationToken);

    /// <summary>Sets sysctls (<c>key=value</c>) inside <paramref name="ns"/> with one <c>sysctl -w</c> call.</summary>
    /// <exception cref="TestbedCommandException">The command failed.</exception>
    public static Task SysctlAsync(string ns, CancellationToken cancellationToken, params string[] settings) =>
        CommandRunner.RunCheckedAsync(Ip, ["netns", "exec", ns, "sysctl", "-q", "-w", .. settings], cancellationToken);

    /// <summary>Pids of the processes whose network namespace is <paramref name="ns"/> (<c>ip netns pids</c>).</summary>
    public static async Task<IReadOnlyList<int>> PidsAsync(string ns, CancellationToken cancellationToken)
    {
        if (!Exists(ns))
        {
            return [];
        }

        var result = await CommandRunner.RunAsync(Ip, ["netns", "pids", ns], CommandRunner.SetupTimeout, cancellationToken).ConfigureAwait(false);
        return [.. result.StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : 0)
            .Where(pid => pid > 0 && pid != Environment.ProcessId)];
    }
}
