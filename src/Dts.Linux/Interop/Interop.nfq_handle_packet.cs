using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class NetfilterQueue
    {
        /// <summary><c>int nfq_handle_packet(struct nfq_handle *h, char *buf, int len)</c>: parses the netlink messages in
        /// <paramref name="buf"/> and runs the queue callback for each packet. Returns 0, or -1 with errno from an
        /// NLMSG_ERROR the kernel sent (e.g. for a verdict on an unknown packet id).</summary>
        [LibraryImport(LibraryName, SetLastError = true)]
        internal static unsafe partial int nfq_handle_packet(SafeNfqHandle h, byte* buf, int len);
    }
}
