namespace Dts.Linux.Tcp;

/// <summary>The negotiated options in <c>tcpi_options</c> (TCPI_OPT_* in include/uapi/linux/tcp.h).</summary>
[Flags]
public enum TcpInfoOptions : byte
{
    /// <summary>No option negotiated.</summary>
    None = 0,
    /// <summary>TCPI_OPT_TIMESTAMPS: RFC 7323 timestamps.</summary>
    Timestamps = 1,
    /// <summary>TCPI_OPT_SACK: RFC 2018 selective acknowledgments.</summary>
    Sack = 2,
    /// <summary>TCPI_OPT_WSCALE: RFC 7323 window scaling.</summary>
    WindowScale = 4,
    /// <summary>TCPI_OPT_ECN: ECN negotiated at connection setup.</summary>
    Ecn = 8,
    /// <summary>TCPI_OPT_ECN_SEEN: at least one ECT packet received.</summary>
    EcnSeen = 16,
    /// <summary>TCPI_OPT_SYN_DATA: data in SYN was acknowledged (TCP Fast Open).</summary>
    SynData = 32,
}
