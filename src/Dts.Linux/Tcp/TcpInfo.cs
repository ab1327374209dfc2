using System.Runtime.CompilerServices;

namespace Dts.Linux.Tcp;

/// <summary>
/// The part of <c>struct tcp_info</c> (include/uapi/linux/tcp.h, filled by tcp_get_info() in
/// net/ipv4/tcp.c) that handover code needs.
/// </summary>
public readonly record struct TcpInfo
{
    internal TcpInfo(in Interop.Libc.tcp_info info, int length)
    {
        WindowsReported = length >= Unsafe.SizeOf<Interop.Libc.tcp_info>(); // tcpi_rcv_wnd came with its last field, tcpi_rehash
        SndWnd = info.tcpi_snd_wnd;
        RcvWnd = info.tcpi_rcv_wnd;
        State = (TcpSocketState)info.tcpi_state;
        Options = (TcpInfoOptions)info.tcpi_options;
        SndWscale = (byte)(info.tcpi_wscale & 0x0F);
        RcvWscale = (byte)(info.tcpi_wscale >> 4);
        BytesReceived = info.tcpi_bytes_received;
        BytesAcked = info.tcpi_bytes_acked;
        Rtt = info.tcpi_rtt;
    }

    /// <summary>tcpi_state.</summary>
    public TcpSocketState State { get; }

    /// <summary>tcpi_options: the options negotiated in the handshake.</summary>
    public TcpInfoOptions Options { get; }

    /// <summary>tcpi_snd_wscale: the shift the peer applies to the windows it advertises (0 without wscale).</summary>
    public byte SndWscale { get; }

    /// <summary>tcpi_rcv_wscale: the shift we apply to the windows we advertise (0 without wscale).</summary>
    public byte RcvWscale { get; }

    /// <summary>tcpi_bytes_received: payload bytes received in order (RFC 4898 HCThruOctetsReceived).</summary>
    public ulong BytesReceived { get; }

    /// <summary>tcpi_bytes_acked: payload bytes the peer acknowledged (RFC 4898 HCThruOctetsAcked).</summary>
    public ulong BytesAcked { get; }

    /// <summary>tcpi_snd_wnd: the peer's advertised receive window, scaled, in bytes (tp->snd_wnd; Linux ≥ 5.4).</summary>
    public uint SndWnd { get; }

    /// <summary>tcpi_rcv_wnd: the receive window this socket advertised last, scaled, in bytes (tp->rcv_wnd; Linux ≥ 6.2).</summary>
    public uint RcvWnd { get; }

    /// <summary>True when the kernel filled in <see cref="SndWnd"/> and <see cref="RcvWnd"/> (Linux ≥ 6.2).</summary>
    public bool WindowsReported { get; }

    /// <summary>tcpi_rtt: smoothed round-trip time in microseconds.</summary>
    public uint Rtt { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{State} opts={Options} wscale={SndWscale}/{RcvWscale} rx={BytesReceived} acked={BytesAcked} rtt={Rtt}us";
}
