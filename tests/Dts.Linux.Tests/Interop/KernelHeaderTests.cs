using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Dts.Core.Tcp;
using Dts.Linux.Netfilter;
using Dts.Linux.Tcp;

namespace Dts.Linux.Tests.Interop;

/// <summary>
/// Compiles a C probe against this machine's headers (gcc, linux/tcp.h, linux/netfilter/nfnetlink_queue.h,
/// linux/netfilter/nf_tables.h, glibc) and compares every constant in Interop.Libc, Interop.NetfilterQueue and Interop.NfNetlink and every struct layout Dts.Linux relies on (the Tmds.LibC ConstantsTests idea).
/// </summary>
public sealed class KernelHeaderTests
{
    private static readonly Lazy<Dictionary<string, long>> Probe = new(CompileAndRunProbe);

    [Theory]
    [InlineData(typeof(global::Interop.Libc))]
    [InlineData(typeof(global::Interop.NetfilterQueue))]
    [InlineData(typeof(global::Interop.NfNetlink))]
    public void Constants_MatchHeaders_AllOfThem(Type interop)
    {
        FieldInfo[] constants = interop
            .GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
            .Where(f => f.IsLiteral && f.Name != "LibraryName")
            .ToArray();
        Assert.NotEmpty(constants);
        var mismatches = new List<string>();
        foreach (FieldInfo field in constants)
        {
            long csharp = Convert.ToInt64(field.GetRawConstantValue(), CultureInfo.InvariantCulture);
            if (!Probe.Value.TryGetValue(field.Name, out long c))
            {
                mismatches.Add($"{field.Name}: not probed");
            }
            else if (c != csharp)
            {
                mismatches.Add($"{field.Name}: C# {csharp}, header {c}");
            }
        }

        Assert.Empty(mismatches);
    }

    [Fact]
    public void NetfilterHook_MatchesNfInetHooks()
    {
        foreach (NetfilterHook hook in Enum.GetValues<NetfilterHook>())
        {
            Assert.Equal(Probe.Value[$"hook.{hook}"], (long)hook);
        }
    }

    [Fact]
    public void StructLayouts_MatchHeaders()
    {
        Dictionary<string, long> p = Probe.Value;
        Assert.Equal(p["sizeof(tcp_repair_window)"], Unsafe.SizeOf<TcpRepairWindow>());
        Assert.Equal(p["sizeof(tcp_repair_opt)"], Unsafe.SizeOf<global::Interop.Libc.tcp_repair_opt>());
        Assert.Equal(p["sizeof(sockaddr_in)"], Unsafe.SizeOf<global::Interop.Libc.sockaddr_in>());
        Assert.Equal(p["sizeof(sockaddr_in6)"], Unsafe.SizeOf<global::Interop.Libc.sockaddr_in6>());
        Assert.Equal(p["sizeof(timeval)"], Unsafe.SizeOf<global::Interop.Libc.timeval>());
        Assert.Equal(p["sizeof(sockaddr_nl)"], Unsafe.SizeOf<global::Interop.NfNetlink.sockaddr_nl>());
        Assert.Equal(p["sizeof(nlmsghdr)"], Unsafe.SizeOf<global::Interop.NfNetlink.nlmsghdr>());
        Assert.Equal(NfNetlinkWriter.NlmsgHeaderLength, p["sizeof(nlmsghdr)"]);
        Assert.Equal(p["sizeof(nfgenmsg)"], Unsafe.SizeOf<global::Interop.NfNetlink.nfgenmsg>());
        Assert.Equal(NfNetlinkWriter.NfgenmsgLength, p["sizeof(nfgenmsg)"]);
        Assert.Equal(p["sizeof(nlattr)"], Unsafe.SizeOf<global::Interop.NfNetlink.nlattr>());
        Assert.Equal(NfNetlinkWriter.NlattrHeaderLength, p["sizeof(nlattr)"]);
        Assert.Equal(p["sizeof(nlmsgerr)"], Unsafe.SizeOf<global::Interop.NfNetlink.nlmsgerr>());
        Assert.Equal(p["offsetof(sockaddr_nl.nl_pid)"], (long)Marshal.OffsetOf<global::Interop.NfNetlink.sockaddr_nl>("nl_pid"));
        Assert.Equal(p["offsetof(nlmsghdr.nlmsg_seq)"], (long)Marshal.OffsetOf<global::Interop.NfNetlink.nlmsghdr>("nlmsg_seq"));
        Assert.Equal(p["offsetof(nlmsgerr.msg)"], (long)Marshal.OffsetOf<global::Interop.NfNetlink.nlmsgerr>("msg"));
        Assert.Equal(p["sizeof(nfqnl_msg_packet_hdr)"], Unsafe.SizeOf<global::Interop.NetfilterQueue.nfqnl_msg_packet_hdr>());
        foreach (string field in new[] { "packet_id", "hw_protocol", "hook" })
        {
            Assert.Equal(p[$"offsetof(nfqnl_msg_packet_hdr.{field})"], (long)Marshal.OffsetOf<global::Interop.NetfilterQueue.nfqnl_msg_packet_hdr>(field));
        }

        foreach (string field in new[] { "snd_wl1", "snd_wnd", "max_window", "rcv_wnd", "rcv_wup" })
        {
            Assert.Equal(p[$"offsetof(tcp_repair_window.{field})"], (long)Marshal.OffsetOf<TcpRepairWindow>(field));
        }

        foreach (string field in new[] { "tcpi_state", "tcpi_options", "tcpi_rto", "tcpi_rtt", "tcpi_bytes_acked", "tcpi_bytes_received", "tcpi_bytes_sent", "tcpi_snd_wnd" })
        {
            Assert.Equal(p[$"offsetof(tcp_info.{field})"], (long)Marshal.OffsetOf<global::Interop.Libc.tcp_info>(field));
        }

        Assert.Equal(p["wscale_byte_offset"], (long)Marshal.OffsetOf<global::Interop.Libc.tcp_info>("tcpi_wscale"));
        // tcpi_rcv_wnd and tcpi_rehash (Linux 6.2) follow tcpi_snd_wnd; Debian's headers may predate it, the struct ends with it.
        Assert.Equal(p["offsetof(tcp_info.tcpi_snd_wnd)"] + 4, (long)Marshal.OffsetOf<global::Interop.Libc.tcp_info>("tcpi_rcv_wnd"));
        Assert.Equal(p["offsetof(tcp_info.tcpi_snd_wnd)"] + 12, Unsafe.SizeOf<global::Interop.Libc.tcp_info>()); // then tcpi_rehash
    }

    [Fact]
    public void TcpInfo_DecodesWscaleBitFields_LikeGcc()
    {
        var raw = new global::Interop.Libc.tcp_info { tcpi_wscale = (byte)Probe.Value["wscale_byte"] };
        var info = new TcpInfo(raw, Unsafe.SizeOf<global::Interop.Libc.tcp_info>());
        Assert.Equal(3, info.SndWscale); // the probe set tcpi_snd_wscale = 3, tcpi_rcv_wscale = 5
        Assert.Equal(5, info.RcvWscale);
    }

    private static Dictionary<string, long> CompileAndRunProbe()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"dts-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string src = Path.Combine(AppContext.BaseDirectory, "Interop", "Probe");
            string exe = Path.Combine(dir, "probe");
            Infrastructure.Shell.Run("gcc", "-Wall", "-Werror", "-o", exe,
                Path.Combine(src, "probe_libc.c"), Path.Combine(src, "probe_linux.c"), Path.Combine(src, "probe_netfilter.c"));
            return Infrastructure.Shell.Run(exe)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' '))
                .ToDictionary(parts => parts[0], parts => long.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
