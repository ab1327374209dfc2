using System.Runtime.InteropServices;
using Dts.Testbed.Processes;

namespace Dts.Bench;

/// <summary>What was measured where: the repository commit and a one-line description of the machine.</summary>
internal static class BenchMachine
{
    /// <summary>CPU model, logical cores, memory, OS, kernel and .NET runtime, e.g. <c>Intel Xeon … × 2, 7.8 GiB, Debian GNU/Linux 12, kernel 6.18.0, .NET 10.0.0</c>.</summary>
    public static string Describe()
    {
        string cpu = ReadField("/proc/cpuinfo", "model name") ?? "unknown CPU";
        string os = ReadOsRelease() ?? RuntimeInformation.OSDescription;
        string memory = ReadField("/proc/meminfo", "MemTotal") is string kb && long.TryParse(kb.Split(' ')[0], out long k)
            ? $"{k / 1024.0 / 1024.0:0.0} GiB"
            : "? GiB";
        string kernel = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : Environment.OSVersion.VersionString;
        return $"{cpu} × {Environment.ProcessorCount}, {memory}, {os}, kernel {kernel}, {RuntimeInformation.FrameworkDescription}";
    }

    /// <summary>Short hash of HEAD in <paramref name="repositoryRoot"/>, with <c>+dirty</c> when the work tree has changes; <c>unknown</c> without git.</summary>
    public static async Task<string> CommitAsync(string repositoryRoot, CancellationToken cancellationToken)
    {
        var head = await CommandRunner.RunAsync("git", ["-C", repositoryRoot, "rev-parse", "--short=12", "HEAD"], CommandRunner.SetupTimeout, cancellationToken).ConfigureAwait(false);
        if (!head.Succeeded)
        {
            return "unknown";
        }

        var status = await CommandRunner.RunAsync("git", ["-C", repositoryRoot, "status", "--porcelain", "--untracked-files=no"], CommandRunner.SetupTimeout, cancellationToken).ConfigureAwait(false);
        return head.StandardOutput.Trim() + (status.Succeeded && status.StandardOutput.Trim().Length > 0 ? "+dirty" : "");
    }

    private static string? ReadField(string file, string key)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        foreach (string line in File.ReadLines(file))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == key)
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    private static string? ReadOsRelease()
    {
        const string file = "/etc/os-release";
        if (!File.Exists(file))
        {
            return null;
        }

        string? line = File.ReadLines(file).FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
        return line?["PRETTY_NAME=".Length..].Trim('"');
    }
}
