internal static partial class Interop
{
    internal static partial class Libc
    {
        // include/uapi/linux/tcp.h: socket options at level IPPROTO_TCP
        internal const int TCP_MAXSEG = 2;
        internal const int TCP_INFO = 11;
        internal const int TCP_REPAIR = 19;
        internal const int TCP_REPAIR_QUEUE = 20;
        internal const int TCP_QUEUE_SEQ = 21;
        internal const int TCP_REPAIR_OPTIONS = 22;
        internal const int TCP_TIMESTAMP = 24;
        internal const int TCP_SAVE_SYN = 27;
        internal const int TCP_SAVED_SYN = 28;
        internal const int TCP_REPAIR_WINDOW = 29;

        // values of TCP_REPAIR
        internal const int TCP_REPAIR_ON = 1;
        internal const int TCP_REPAIR_OFF = 0;
        internal const int TCP_REPAIR_OFF_NO_WP = -1;

        // values of TCP_REPAIR_QUEUE (anonymous enum)
        internal const int TCP_NO_QUEUE = 0;
        internal const int TCP_RECV_QUEUE = 1;
        internal const int TCP_SEND_QUEUE = 2;

        // tcp_info.tcpi_options bits
        internal const byte TCPI_OPT_TIMESTAMPS = 1;
        internal const byte TCPI_OPT_SACK = 2;
        internal const byte TCPI_OPT_WSCALE = 4;

        // opt_code of struct tcp_repair_opt (include/net/tcp.h TCPOPT_*)
        internal const uint TCPOPT_MSS = 2;
        internal const uint TCPOPT_WINDOW = 3;
        internal const uint TCPOPT_SACK_PERM = 4;
        internal const uint TCPOPT_TIMESTAMP = 8;

        // include/net/tcp_states.h
        internal const byte TCP_ESTABLISHED = 1;
    }
}
