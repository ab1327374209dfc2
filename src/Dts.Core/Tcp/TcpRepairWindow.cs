using System.Runtime.InteropServices;

namespace Dts.Core.Tcp;

/// <summary>
/// The window state of a TCP socket as Linux exposes it through <c>TCP_REPAIR_WINDOW</c>
/// (<c>struct tcp_repair_window</c> in include/uapi/linux/tcp.h). All values are in host order;
/// windows are in bytes (already scaled), sequence numbers are raw.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct TcpRepairWindow : IEquatable<TcpRepairWindow>
{
    /// <summary>snd_wl1: the segment sequence number used for the last window update (RFC 9293 §3.3.1).</summary>
    public uint snd_wl1;
    /// <summary>snd_wnd: the peer's advertised send window, bytes.</summary>
    public uint snd_wnd;
    /// <summary>max_window: the largest window the peer has ever advertised, bytes.</summary>
    public uint max_window;
    /// <summary>rcv_wnd: our current receive window, bytes.</summary>
    public uint rcv_wnd;
    /// <summary>rcv_wup: rcv_nxt at the time of the last window update we sent.</summary>
    public uint rcv_wup;

    /// <inheritdoc />
    public readonly bool Equals(TcpRepairWindow other) =>
        snd_wl1 == other.snd_wl1 && snd_wnd == other.snd_wnd && max_window == other.max_window &&
        rcv_wnd == other.rcv_wnd && rcv_wup == other.rcv_wup;

    /// <inheritdoc />
    public override readonly bool Equals(object? obj) => obj is TcpRepairWindow w && Equals(w);

    /// <inheritdoc />
    public override readonly int GetHashCode() => HashCode.Combine(snd_wl1, snd_wnd, max_window, rcv_wnd, rcv_wup);

    /// <summary>Field-wise equality.</summary>
    public static bool operator ==(TcpRepairWindow left, TcpRepairWindow right) => left.Equals(right);

    /// <summary>Field-wise inequality.</summary>
    public static bool operator !=(TcpRepairWindow left, TcpRepairWindow right) => !left.Equals(right);
}
