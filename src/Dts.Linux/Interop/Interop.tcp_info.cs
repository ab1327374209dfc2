using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>
        /// The prefix of <c>struct tcp_info</c> (include/uapi/linux/tcp.h) up to <c>tcpi_bytes_received</c>.
        /// The kernel copies min(optlen, sizeof) bytes, so a prefix is a valid argument.
        /// </summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct tcp_info
        {
            internal byte tcpi_state;
            internal byte tcpi_ca_state;
            internal byte tcpi_retransmits;
            internal byte tcpi_probes;
            internal byte tcpi_backoff;
            internal byte tcpi_options;
            /// <summary>Bit-fields <c>tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4</c> (snd in the low nibble).</summary>
            internal byte tcpi_wscale;
            internal byte tcpi_flags;

            internal uint tcpi_rto;
            internal uint tcpi_ato;
            internal uint tcpi_snd_mss;
            internal uint tcpi_rcv_mss;

            internal uint tcpi_unacked;
            internal uint tcpi_sacked;
            internal uint tcpi_lost;
            internal uint tcpi_retrans;
            internal uint tcpi_fackets;

            internal uint tcpi_last_data_sent;
            internal uint tcpi_last_ack_sent;
            internal uint tcpi_last_data_recv;
            internal uint tcpi_last_ack_recv;

            internal uint tcpi_pmtu;
            internal uint tcpi_rcv_ssthresh;
            internal uint tcpi_rtt;
            internal uint tcpi_rttvar;
            internal uint tcpi_snd_ssthresh;
            internal uint tcpi_snd_cwnd;
            internal uint tcpi_advmss;
            internal uint tcpi_reordering;

            internal uint tcpi_rcv_rtt;
            internal uint tcpi_rcv_space;

            internal uint tcpi_total_retrans;

            internal ulong tcpi_pacing_rate;
            internal ulong tcpi_max_pacing_rate;
            internal ulong tcpi_bytes_acked;
            internal ulong tcpi_bytes_received;
        }
    }
}
