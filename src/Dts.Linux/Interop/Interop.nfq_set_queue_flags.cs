using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class NetfilterQueue
    {
        /// <summary><c>int nfq_set_queue_flags(struct nfq_q_handle *qh, uint32_t mask, uint32_t flags)</c>: sets the
        /// NFQA_CFG_F_* bits in <paramref name="mask"/> to their values in <paramref name="flags"/>. 0 or -1 (errno;
        /// EOPNOTSUPP when the kernel does not know a flag).</summary>
        [LibraryImport(LibraryName, SetLastError = true)]
        internal static partial int nfq_set_queue_flags(SafeNfqQueueHandle qh, uint mask, uint flags);
    }
}
