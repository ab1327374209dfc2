using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class NetfilterQueue
    {
        /// <summary><c>int nfq_close(struct nfq_handle *h)</c>: closes the socket and frees the handle. 0 or -1.</summary>
        [LibraryImport(LibraryName)]
        internal static partial int nfq_close(nint h);
    }
}
