using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Dts.Linux.Namespaces;

namespace Dts.Linux.Doctor;

/// <summary>
/// Checks a machine before it runs a node: the kernel's version and every kernel feature the product uses, probed for
/// real in a private network namespace that disappears with the probe (<see cref="NetworkNamespace.CreatePrivate"/>):
/// <c>TCP_REPAIR</c>, <c>TCP_SAVE_SYN</c>, <c>SO_PEEK_OFF</c> on TCP, nft sets with timeouts, the nft <c>socket</c>
/// expression, the product's own flow table (<see cref="Netfilter.NftFlowTable"/>), NFQUEUE through iptables-nft
/// (<see cref="Netfilter.NfQueueSteering"/> + <see cref="Netfilter.NfQueue"/>); the capabilities and native libraries;
/// and, in the node's namespace, the VIP's path: the VIP on <c>lo</c>, its multicast MAC joined, and the sysctls that
/// break a broadcast cluster (<c>rp_filter</c>, <c>arp_ignore</c>, <c>arp_announce</c>; ip-sysctl.rst). Nothing is
/// changed in the node's namespace.
/// </summary>
public static partial class NodeDoctor
{
    /// <summary>The first kernel with <c>SO_PEEK_OFF</c> on TCP sockets (the receive-queue checkpoint of a large queue).</summary>
    public static readonly Version MinimumKernel = new(6, 9);

    private const int CapNetAdmin = 12;
    private const int CapNetRaw = 13;

    /// <summary>Runs every check, machine first, then the node's namespace.</summary>
    /// <returns>The checks in the order they ran; none of them throws.</returns>
    public static IReadOnlyList<DoctorCheck> Run(NodeDoctorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var checks = new List<DoctorCheck> { CheckKernel() };
        checks.AddRange(CheckCapabilities());
        checks.Add(CheckLibrary("libnftables", Interop.Nftables.LibraryName, "libnftables1"));
        checks.Add(CheckLibrary("libnetfilter_queue", Interop.NetfilterQueue.LibraryName, "libnetfilter-queue1"));
        checks.AddRange(ProbeKernelFeatures());
        checks.AddRange(CheckNode(options));
        return checks;
    }

    /// <summary>True when no check failed (warnings and hints do not count).</summary>
    public static bool Passed(IEnumerable<DoctorCheck> checks) => checks.All(c => c.Status != DoctorStatus.Fail);

    private static DoctorCheck CheckKernel()
    {
        const string name = "kernel";
        string release = ReadProc("/proc/sys/kernel/osrelease") ?? RuntimeInformation.OSDescription;
        Match m = KernelVersion().Match(release);
        if (!m.Success || !Version.TryParse(m.Value, out Version? version))
        {
            return new(name, DoctorStatus.Warn, $"cannot read the version from '{release}'", $"run on Linux ≥ {MinimumKernel}");
        }

        return version >= MinimumKernel
            ? new(name, DoctorStatus.Pass, $"Linux {release}")
            : new(name, DoctorStatus.Warn, $"Linux {release}: older than {MinimumKernel}, where TCP sockets got SO_PEEK_OFF (see its line below)",
                $"upgrade to Linux ≥ {MinimumKernel} (Debian: a backports kernel)");
    }

    private static IEnumerable<DoctorCheck> CheckCapabilities()
    {
        string? status = ReadProc("/proc/self/status");
        string? hex = status?.Split('\n').FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal))?["CapEff:".Length..].Trim();
        if (hex is null || !ulong.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong effective))
        {
            yield return new("capabilities", DoctorStatus.Warn, "cannot read CapEff from /proc/self/status");
            yield break;
        }

        const string fix = "run the node as root, or give it the capability (systemd: AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW)";
        yield return (effective & (1UL << CapNetAdmin)) != 0
            ? new("CAP_NET_ADMIN", DoctorStatus.Pass, "effective")
            : new("CAP_NET_ADMIN", DoctorStatus.Fail, "missing: nftables, TCP_REPAIR and NFQUEUE all need it", fix);
        yield return (effective & (1UL << CapNetRaw)) != 0
            ? new("CAP_NET_RAW", DoctorStatus.Pass, "effective")
            : new("CAP_NET_RAW", DoctorStatus.Fail, "missing: Splice injects the client's SYN through a raw socket", fix);
    }

    private static DoctorCheck CheckLibrary(string name, string file, string package)
    {
        if (!NativeLibrary.TryLoad(file, typeof(NodeDoctor).Assembly, DllImportSearchPath.SafeDirectories, out nint handle))
        {
            return new(name, DoctorStatus.Fail, $"{file} cannot be loaded", $"apt-get install {package}");
        }

        NativeLibrary.Free(handle);
        return new(name, DoctorStatus.Pass, $"{file} loaded");
    }

    private static string? ReadProc(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^\d+\.\d+")]
    private static partial Regex KernelVersion();
}
