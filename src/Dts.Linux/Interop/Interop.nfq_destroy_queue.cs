using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class NetfilterQueue
    {
        /// <summary><c>int nfq_destroy_queue(struct nfq_q_handle *qh)</c>: unbinds the queue (NFQNL_CFG_CMD_UNBIND) and
        /// frees the handle; waits for the kernel's ack on the handle's socket. 0 or -1.</summary>
        [LibraryImport(LibraryName)]
        internal static partial int nfq_destroy_queue(nint qh);
    }
}
