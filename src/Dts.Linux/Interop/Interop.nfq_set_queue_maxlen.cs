using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class NetfilterQueue
    {
        /// <summary><c>int nfq_set_queue_maxlen(struct nfq_q_handle *qh, uint32_t queuelen)</c>: how many packets may wait
        /// for a verdict before the kernel drops new ones (NFQA_CFG_QUEUE_MAXLEN). 0 or -1 (errno).</summary>
        [LibraryImport(LibraryName, SetLastError = true)]
        internal static partial int nfq_set_queue_maxlen(SafeNfqQueueHandle qh, uint queuelen);
    }
}
