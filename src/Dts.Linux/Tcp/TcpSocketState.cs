namespace Dts.Linux.Tcp;

/// <summary>The kernel's TCP socket states (include/net/tcp_states.h), as reported in <c>tcpi_state</c>.</summary>
public enum TcpSocketState : byte
{
    /// <summary>Not a valid state (never reported by the kernel).</summary>
    None = 0,
    /// <summary>TCP_ESTABLISHED.</summary>
    Established = 1,
    /// <summary>TCP_SYN_SENT.</summary>
    SynSent = 2,
    /// <summary>TCP_SYN_RECV.</summary>
    SynRecv = 3,
    /// <summary>TCP_FIN_WAIT1.</summary>
    FinWait1 = 4,
    /// <summary>TCP_FIN_WAIT2.</summary>
    FinWait2 = 5,
    /// <summary>TCP_TIME_WAIT.</summary>
    TimeWait = 6,
    /// <summary>TCP_CLOSE.</summary>
    Close = 7,
    /// <summary>TCP_CLOSE_WAIT: the peer sent FIN (half-closed).</summary>
    CloseWait = 8,
    /// <summary>TCP_LAST_ACK.</summary>
    LastAck = 9,
    /// <summary>TCP_LISTEN.</summary>
    Listen = 10,
    /// <summary>TCP_CLOSING.</summary>
    Closing = 11,
    /// <summary>TCP_NEW_SYN_RECV (request sockets only).</summary>
    NewSynRecv = 12,
    /// <summary>TCP_BOUND_INACTIVE (bound, not listening or connected; Linux 6.8+).</summary>
    BoundInactive = 13,
}
