using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class NetfilterQueue
    {
        /// <summary><c>struct nfq_handle *nfq_open(void)</c>: opens an nfnetlink socket (NETLINK_NETFILTER) in the calling
        /// thread's network namespace. Returns null on failure (errno).</summary>
        [LibraryImport(LibraryName, SetLastError = true)]
        internal static partial SafeNfqHandle nfq_open();
    }
}
