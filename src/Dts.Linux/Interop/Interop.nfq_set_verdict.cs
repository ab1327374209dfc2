using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class NetfilterQueue
    {
        /// <summary><c>int nfq_set_verdict(struct nfq_q_handle *qh, uint32_t id, uint32_t verdict, uint32_t data_len, const unsigned char *buf)</c>:
        /// sends NFQNL_MSG_VERDICT for packet <paramref name="id"/>; with <paramref name="buf"/> the kernel replaces the
        /// packet by those bytes (nfqnl_mangle(), which also sets skb->ip_summed = CHECKSUM_NONE). Returns the bytes
        /// sent or -1 (errno from sendmsg). Kernel-side failures come back later as NLMSG_ERROR (see nfq_handle_packet).</summary>
        [LibraryImport(LibraryName, SetLastError = true)]
        internal static unsafe partial int nfq_set_verdict(nint qh, uint id, uint verdict, uint data_len, byte* buf);
    }
}
