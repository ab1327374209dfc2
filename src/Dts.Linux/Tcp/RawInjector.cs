using System.Net.Sockets;

namespace Dts.Linux.Tcp;

/// <summary>
/// A raw socket (SOCK_RAW, IPPROTO_RAW, IP_HDRINCL / IPV6_HDRINCL) that sends complete IP packets built by the
/// caller — for Splice, the client's saved SYN and the handshake ACK, "from the client" to the local VIP. A
/// packet to a local address leaves through <c>lo</c> and is received like any other: output hooks, then
/// prerouting on <c>lo</c> (it keeps its output route, so reverse-path filtering does not apply). The socket
/// lives in the network namespace of the thread that runs the constructor; it can then be used from any thread.
/// </summary>
public sealed unsafe class RawInjector : IDisposable
{
    private readonly SafeFdHandle _fd;

    /// <summary>Opens the raw socket (needs CAP_NET_RAW).</summary>
    /// <param name="addressFamily">InterNetwork (IPv4) or InterNetworkV6 (IPv6, Linux 4.5+ for IPV6_HDRINCL).</param>
    /// <exception cref="ArgumentException">Another address family.</exception>
    /// <exception cref="LinuxSocketException">socket(2) (EPERM without CAP_NET_RAW) or setsockopt(IP_HDRINCL) failed.</exception>
    public RawInjector(AddressFamily addressFamily = AddressFamily.InterNetwork)
    {
        (int family, int level, int option, string name) = addressFamily switch
        {
            AddressFamily.InterNetwork => (Interop.Libc.AF_INET, Interop.Libc.IPPROTO_IP, Interop.Libc.IP_HDRINCL, "IP_HDRINCL"),
            AddressFamily.InterNetworkV6 => (Interop.Libc.AF_INET6, Interop.Libc.IPPROTO_IPV6, Interop.Libc.IPV6_HDRINCL, "IPV6_HDRINCL"),
            _ => throw new ArgumentException($"Raw injection supports IPv4 and IPv6, not {addressFamily}.", nameof(addressFamily)),
        };
        int fd = Interop.Libc.socket(family, Interop.Libc.SOCK_RAW | Interop.Libc.SOCK_CLOEXEC, Interop.Libc.IPPROTO_RAW);
        if (fd < 0)
        {
            throw LinuxSocketException.FromLastError(() => $"socket({addressFamily}, SOCK_RAW, IPPROTO_RAW)");
        }

        _fd = new SafeFdHandle(fd);
        try
        {
            // IPPROTO_RAW implies header inclusion in both families (raw_init / inet6_create); set it anyway so
            // the socket does not depend on that.
            SocketOption.SetInt32(_fd, level, option, 1, $"setsockopt({name})");
        }
        catch
        {
            _fd.Dispose();
            throw;
        }

        AddressFamily = addressFamily;
    }

    /// <summary>The family of the packets this injector sends.</summary>
    public AddressFamily AddressFamily { get; }

    /// <summary>
    /// Sends <paramref name="ipPacket"/> as is, to the destination in its header. IPv4: the kernel rewrites the
    /// total length and header checksum, fills a zero source address and a zero IP id (raw_send_hdrinc() in
    /// net/ipv4/raw.c); everything else, the TCP checksum included, must already be right. IPv6: sent verbatim.
    /// </summary>
    /// <param name="ipPacket">A whole IPv4/IPv6 packet, header first, at most 65535 bytes.</param>
    /// <exception cref="ArgumentException">Not a packet of this injector's family, or shorter than its header.</exception>
    /// <exception cref="LinuxSocketException">sendto(2) failed, e.g. ENETUNREACH (no route), EMSGSIZE (above the MTU), ENOBUFS.</exception>
    public void Send(ReadOnlySpan<byte> ipPacket)
    {
        int version = ipPacket.IsEmpty ? 0 : ipPacket[0] >> 4;
        nint sent;
        if (AddressFamily == AddressFamily.InterNetwork)
        {
            if (version != 4 || ipPacket.Length < 20 || ipPacket.Length > ushort.MaxValue)
            {
                throw new ArgumentException("Not an IPv4 packet (version 4, 20 to 65535 bytes).", nameof(ipPacket));
            }

            Interop.Libc.sockaddr_in to = default;
            to.sin_family = (ushort)Interop.Libc.AF_INET;
            ipPacket.Slice(16, 4).CopyTo(new Span<byte>(&to.sin_addr, 4));
            fixed (byte* p = ipPacket)
            {
                sent = Interop.Libc.sendto(_fd, p, (nuint)ipPacket.Length, 0, &to, (uint)sizeof(Interop.Libc.sockaddr_in));
            }
        }
        else
        {
            if (version != 6 || ipPacket.Length < 40 || ipPacket.Length > ushort.MaxValue)
            {
                throw new ArgumentException("Not an IPv6 packet (version 6, 40 to 65535 bytes).", nameof(ipPacket));
            }

            Interop.Libc.sockaddr_in6 to = default;
            to.sin6_family = (ushort)Interop.Libc.AF_INET6;
            ipPacket.Slice(24, 16).CopyTo(new Span<byte>(to.sin6_addr, 16));
            fixed (byte* p = ipPacket)
            {
                sent = Interop.Libc.sendto(_fd, p, (nuint)ipPacket.Length, 0, &to, (uint)sizeof(Interop.Libc.sockaddr_in6));
            }
        }

        if (sent < 0)
        {
            throw LinuxSocketException.FromLastError($"sendto(SOCK_RAW, {ipPacket.Length} bytes)");
        }
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose() => _fd.Dispose();
}
