using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dts.Core.Tcp;
using Dts.Linux.Namespaces;
using Dts.Linux.Netfilter;
using Dts.Linux.Tcp;

namespace Dts.Linux.Doctor;

public static partial class NodeDoctor
{
    private const string ProbeTable = "dts_doctor";
    private const uint ProbeMark = 0x7d5;
    private const ushort ProbeQueue = 2005;
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Probes the kernel features in a private namespace (unshare(2)): whatever a probe adds there goes with it.
    /// </summary>
    private static List<DoctorCheck> ProbeKernelFeatures()
    {
        NetworkNamespace? ns = null;
        try
        {
            try
            {
                ns = NetworkNamespace.CreatePrivate("dts doctor");
                (int code, _, string error) = ns.Run(() => RunProgram("ip", "link", "set", "lo", "up"));
                if (code != 0)
                {
                    throw new InvalidOperationException($"ip link set lo up: {error.Trim()}");
                }
            }
            catch (Exception ex) when (ex is LinuxSocketException or InvalidOperationException)
            {
                return [new("private netns", DoctorStatus.Fail, $"cannot create a throwaway namespace for the probes: {ex.Message}",
                    "run as root (unshare(CLONE_NEWNET) needs CAP_SYS_ADMIN); the kernel features were not probed")];
            }

            var checks = new List<DoctorCheck>();
            checks.AddRange(ProbeTcp(ns));
            checks.Add(Probe("nft sets with timeouts", () => ProbeSetTimeouts(ns),
                "a kernel with CONFIG_NF_TABLES and CONFIG_NFT_SET_HASH, and nftables ≥ 1.0 (apt-get install nftables libnftables1)"));
            checks.Add(Probe("nft socket expression", () => ProbeSocketExpression(ns),
                "a kernel with CONFIG_NFT_SOCKET (module nft_socket)"));
            checks.Add(Probe("nft flow table", () => ProbeFlowTable(ns),
                "the lines above say which part is missing; the table needs sets with timeouts, socket, jhash and the arp family"));
            checks.Add(ProbeNfQueue(ns));
            return checks;
        }
        finally
        {
            ns?.Dispose();
        }
    }

    /// <summary>Runs <paramref name="probe"/>; its result is the PASS detail, an exception a FAIL with <paramref name="fix"/>.</summary>
    private static DoctorCheck Probe(string name, Func<string> probe, string fix)
    {
        try
        {
            return new(name, DoctorStatus.Pass, probe());
        }
        catch (Exception ex) when (IsProbeFailure(ex))
        {
            return new(name, DoctorStatus.Fail, ex.Message, fix);
        }
    }

    /// <summary>What a probe's failure can look like: an errno, an nft or iptables error, a timeout, or a native library
    /// that is missing or too old (DllNotFoundException, EntryPointNotFoundException).</summary>
    private static bool IsProbeFailure(Exception ex) =>
        ex is LinuxSocketException or NftException or IptablesException or SocketException or InvalidOperationException
            or IOException or TimeoutException or TypeLoadException or UnauthorizedAccessException or System.ComponentModel.Win32Exception;

    /// <summary>One loopback connection whose listener saves SYNs: TCP_SAVE_SYN, SO_PEEK_OFF, then TCP_REPAIR on it.</summary>
    private static IEnumerable<DoctorCheck> ProbeTcp(NetworkNamespace ns)
    {
        Socket? listener = null, client = null, server = null;
        try
        {
            listener = ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            DoctorCheck saveSyn = Probe("TCP_SAVE_SYN", () =>
            {
                TcpRepair.EnableSaveSyn(listener);
                return "set on a listener";
            }, "a kernel with TCP_SAVE_SYN (Linux ≥ 4.2)");
            listener.Listen();
            client = ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            client.ReceiveTimeout = client.SendTimeout = (int)ProbeTimeout.TotalMilliseconds;
            client.Connect(listener.LocalEndPoint!);
            server = listener.Accept();
            server.ReceiveTimeout = (int)ProbeTimeout.TotalMilliseconds;
            if (saveSyn.Status == DoctorStatus.Pass)
            {
                saveSyn = Probe("TCP_SAVE_SYN", () => TcpRepair.TryGetSavedSyn(server.SafeHandle) is { Length: >= 40 } syn
                    ? $"the accepted connection's SYN was saved ({syn.Length} bytes of IPv4 and TCP headers)"
                    : throw new InvalidOperationException("TCP_SAVED_SYN returned nothing for a connection accepted by a TCP_SAVE_SYN listener"),
                    "a kernel with TCP_SAVE_SYN (Linux ≥ 4.2)");
            }

            return [saveSyn, Probe("SO_PEEK_OFF on TCP", () => ProbePeekOffset(client, server),
                $"upgrade to Linux ≥ {MinimumKernel}: without it a handover of a connection with a long unread receive queue fails"),
                Probe("TCP_REPAIR", () => ProbeRepair(server), "Linux ≥ 6.2 (TCP_REPAIR; tcpi_snd_wnd and tcpi_rcv_wnd in TCP_INFO for the live checkpoint) and CAP_NET_ADMIN")];
        }
        catch (Exception ex) when (IsProbeFailure(ex))
        {
            return [new("TCP probes", DoctorStatus.Fail, $"a loopback connection in the probe namespace failed: {ex.Message}", "run as root")];
        }
        finally
        {
            server?.Dispose();
            client?.Dispose();
            listener?.Dispose();
        }
    }

    /// <summary>Two bytes sent; with SO_PEEK_OFF = 0, two one-byte MSG_PEEK reads must return the first, then the second.</summary>
    private static string ProbePeekOffset(Socket client, Socket server)
    {
        client.Send("ab"u8);
        SocketOption.SetInt32(server.SafeHandle, Interop.Libc.SOL_SOCKET, Interop.Libc.SO_PEEK_OFF, 0, "setsockopt(SO_PEEK_OFF, 0)");
        byte[] buffer = new byte[1];
        string peeked = string.Empty;
        for (int i = 0; i < 2; i++)
        {
            if (server.Receive(buffer, SocketFlags.Peek) != 1)
            {
                throw new InvalidOperationException("MSG_PEEK returned nothing");
            }

            peeked += (char)buffer[0];
        }

        SocketOption.SetInt32(server.SafeHandle, Interop.Libc.SOL_SOCKET, Interop.Libc.SO_PEEK_OFF, -1, "setsockopt(SO_PEEK_OFF, -1)");
        return peeked == "ab" ? "two MSG_PEEK reads advanced the peek offset"
            : throw new InvalidOperationException($"two MSG_PEEK reads returned '{peeked}', not 'ab': the kernel ignores the peek offset on TCP");
    }

    private static string ProbeRepair(Socket server)
    {
        TcpRepair.Freeze(server.SafeHandle);
        try
        {
            _ = TcpRepair.Checkpoint(server.SafeHandle);
        }
        finally
        {
            TcpRepair.Thaw(server.SafeHandle);
        }
        // The origin's own checkpoint: anchored (repair mode for five syscalls), then read live (TCP_QUEUE_SEQ with the
        // receive queue left selected, the windows in TCP_INFO: Linux ≥ 6.2).
        TcpCheckpointAnchor anchor = TcpRepair.Anchor(server.SafeHandle);
        TcpRepairState live = TcpRepair.CheckpointLive(server.SafeHandle, anchor, out _);
        return $"froze, checkpointed and thawed a connection; anchored and checkpointed it live ({live.RecvQueue.Length} bytes in the receive queue)";
    }

    private static string ProbeSetTimeouts(NetworkNamespace ns)
    {
        using NftContext nft = ns.Run(() => new NftContext());
        string t = $"inet {ProbeTable}_sets";
        nft.Run($"add table {t}\n"
            + $"add set {t} flows {{ type ipv4_addr . inet_service; flags timeout,dynamic; timeout 60s; }}\n"
            + $"add chain {t} pre {{ type filter hook prerouting priority -300; policy accept; }}\n"
            + $"add rule {t} pre ip saddr . tcp sport @flows update @flows {{ ip saddr . tcp sport timeout 60s }} accept\n"
            + $"add element {t} flows {{ 192.0.2.1 . 80 timeout 30s }}\n");
        string listing = nft.Run($"list set {t} flows");
        nft.Run($"delete table {t}");
        return listing.Contains("expires", StringComparison.Ordinal)
            ? "a dynamic set with a timeout, an element that expires, an update rule"
            : throw new InvalidOperationException("the set element shows no expiry: the kernel ignored its timeout");
    }

    private static string ProbeSocketExpression(NetworkNamespace ns)
    {
        using NftContext nft = ns.Run(() => new NftContext());
        string t = $"inet {ProbeTable}_socket";
        nft.Run($"add table {t}\n"
            + $"add chain {t} pre {{ type filter hook prerouting priority -300; policy accept; }}\n"
            + $"add rule {t} pre tcp dport 80 socket wildcard 0 accept\n"
            + $"add rule {t} pre tcp dport 80 socket transparent 0 accept\n");
        nft.Run($"delete table {t}");
        return "rules with socket wildcard and socket transparent";
    }

    /// <summary>The product's own table (with the Splice rules) installed, a flow handed out over netlink and read back.</summary>
    private static string ProbeFlowTable(NetworkNamespace ns)
    {
        var options = new NftFlowTableOptions
        {
            Vip = IPAddress.Parse("192.0.2.100"), Port = 80, Buckets = 16, SpliceMark = ProbeMark, TableName = ProbeTable,
        };
        using NftFlowTable table = ns.Run(() => new NftFlowTable(options));
        table.Install();
        try
        {
            table.SetBuckets(Enumerable.Range(0, options.Buckets));
            var flow = new FlowKey(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 40000), new IPEndPoint(options.Vip, options.Port));
            table.AddHandedOut(flow);
            return table.ContainsHandedOut(flow)
                ? $"inet {ProbeTable} and arp {ProbeTable}_arp installed, a flow handed out over netlink"
                : throw new InvalidOperationException("a flow added to handed_out is not in the set");
        }
        finally
        {
            table.Uninstall();
        }
    }

    /// <summary>
    /// The Splice steering as the product installs it where nft has no <c>queue</c> (iptables-nft <c>-j NFQUEUE</c> on a
    /// mark), a queue bound with libnetfilter_queue, and one marked UDP datagram that must pass the queue and arrive.
    /// </summary>
    private static DoctorCheck ProbeNfQueue(NetworkNamespace ns)
    {
        const string name = "NFQUEUE via iptables-nft";
        (int code, string version, string error) = RunProgram("iptables", "--version");
        if (code != 0)
        {
            return new(name, DoctorStatus.Fail, $"iptables --version: {error.Trim()}", "apt-get install iptables (Debian's default is iptables-nft)");
        }

        version = version.Trim();
        DoctorCheck check = Probe(name, () => $"{version}: {ProbeQueuedPacket(ns)}",
            "apt-get install iptables libnetfilter-queue1; a kernel with CONFIG_NETFILTER_XT_TARGET_NFQUEUE, CONFIG_NFT_COMPAT and CONFIG_NETFILTER_NETLINK_QUEUE");
        if (check.Status == DoctorStatus.Pass && version.Contains("legacy", StringComparison.Ordinal))
        {
            return check with
            {
                Status = DoctorStatus.Warn,
                Fix = "update-alternatives --set iptables /usr/sbin/iptables-nft (legacy xtables works, but its rules are invisible to nft list ruleset)",
            };
        }

        if (check.Status == DoctorStatus.Fail && IsNftQueueSupported(ns))
        {
            return check with { Status = DoctorStatus.Warn, Detail = check.Detail + "; nft's own queue statement works, and Splice uses it here" };
        }

        return check;
    }

    /// <summary>Whether nft's own <c>queue</c> statement works here (false too when libnftables cannot be used at all).</summary>
    private static bool IsNftQueueSupported(NetworkNamespace ns)
    {
        try
        {
            return ns.Run(() =>
            {
                using var nft = new NftContext();
                return NfQueueSteering.IsNftQueueSupported(nft);
            });
        }
        catch (Exception ex) when (IsProbeFailure(ex))
        {
            return false;
        }
    }

    private static string ProbeQueuedPacket(NetworkNamespace ns)
    {
        using Socket receiver = ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        receiver.ReceiveTimeout = (int)ProbeTimeout.TotalMilliseconds;
        int port = ((IPEndPoint)receiver.LocalEndPoint!).Port;
        using NftContext nft = ns.Run(() => new NftContext());
        string t = $"ip {ProbeTable}_mark";
        nft.Run($"add table {t}\nadd chain {t} out {{ type filter hook output priority -300; policy accept; }}\n"
            + string.Create(CultureInfo.InvariantCulture, $"add rule {t} out udp dport {port} meta mark set 0x{ProbeMark:x}\n"));
        using var steering = ns.Run(() => new NfQueueSteering(new NfQueueSteeringOptions
        {
            QueueNumber = ProbeQueue, Mark = ProbeMark, Hooks = NfQueueSteeringHooks.Output, Mode = NfQueueSteeringMode.Iptables,
            IncludeIPv6 = false, TableName = ProbeTable + "_q",
        }));
        steering.Install();
        try
        {
            int queued = 0;
            using var queue = ns.Run(() => new NfQueue(new NfQueueOptions { QueueNumber = ProbeQueue, ReceiveBufferSize = 1 << 20 }, (ref QueuedPacket packet) =>
            {
                Interlocked.Increment(ref queued);
                return PacketVerdict.Accept;
            }));
            using Socket sender = ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            sender.SendTo("dts"u8, receiver.LocalEndPoint!);
            byte[] buffer = new byte[16];
            int n = receiver.Receive(buffer);
            return Volatile.Read(ref queued) >= 1 && n == 3
                ? string.Create(CultureInfo.InvariantCulture, $"a marked datagram passed queue {ProbeQueue} and arrived")
                : throw new InvalidOperationException("a marked datagram arrived without passing the queue: the NFQUEUE rule did not match");
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut)
        {
            throw new TimeoutException($"a marked datagram did not come back from queue {ProbeQueue} within {ProbeTimeout.TotalSeconds:0} s", ex);
        }
        finally
        {
            steering.Uninstall();
            nft.Run($"delete table {t}");
        }
    }

    /// <summary>Runs a program (inheriting the calling thread's network namespace) and returns its exit code and output.</summary>
    private static (int Code, string Output, string Error) RunProgram(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        try
        {
            using Process process = Process.Start(psi) ?? throw new InvalidOperationException($"{program} could not start");
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(ProbeTimeout))
            {
                process.Kill(entireProcessTree: true);
                return (-1, string.Empty, $"{program} did not finish within {ProbeTimeout.TotalSeconds:0} s");
            }

            return (process.ExitCode, output.Result, error.Result);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, string.Empty, $"{program}: {ex.Message}");
        }
    }
}
