using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class NetfilterQueue
    {
        /// <summary><c>int nfq_fd(struct nfq_handle *h)</c>: the netlink socket's fd, owned by the handle.</summary>
        [LibraryImport(LibraryName)]
        internal static partial int nfq_fd(SafeNfqHandle h);
    }
}
