using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>
        /// The prefix of <c>struct tcp_info</c> (include/uapi/linux/tcp.h) up to <c>tcpi_rehash</c> (240 bytes;
        /// <c>tcpi_snd_wnd</c> at offset 228 since Linux 5.4, <c>tcpi_rcv_wnd</c> and <c>tcpi_rehash</c> at 232 and 236 since 6.2). The kernel copies
        /// min(optlen, its own size) bytes and says how many in optlen, so a prefix is a valid argument and an older
        /// kernel's shorter answer shows.
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
            internal uint tcpi_segs_out;
            internal uint tcpi_segs_in;

            internal uint tcpi_notsent_bytes;
            internal uint tcpi_min_rtt;
            internal uint tcpi_data_segs_in;
            internal uint tcpi_data_segs_out;

            internal ulong tcpi_delivery_rate;

            internal ulong tcpi_busy_time;
            internal ulong tcpi_rwnd_limited;
            internal ulong tcpi_sndbuf_limited;

            internal uint tcpi_delivered;
            internal uint tcpi_delivered_ce;

            internal ulong tcpi_bytes_sent;
            internal ulong tcpi_bytes_retrans;
            internal uint tcpi_dsack_dups;
            internal uint tcpi_reord_seen;

            internal uint tcpi_rcv_ooopack;

            internal uint tcpi_snd_wnd;
            internal uint tcpi_rcv_wnd;

            internal uint tcpi_rehash;
        }
    }
}
