using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class NetfilterQueue
    {
        /// <summary><c>int nfq_set_mode(struct nfq_q_handle *qh, uint8_t mode, uint32_t range)</c>: copy mode (NFQNL_COPY_*) and
        /// how many bytes of each packet to copy. 0 or -1 (errno).</summary>
        [LibraryImport(LibraryName, SetLastError = true)]
        internal static partial int nfq_set_mode(SafeNfqQueueHandle qh, byte mode, uint range);
    }
}
