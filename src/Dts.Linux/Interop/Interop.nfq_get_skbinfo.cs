using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class NetfilterQueue
    {
        /// <summary><c>uint32_t nfq_get_skbinfo(struct nfq_data *nfad)</c>: the NFQA_SKB_INFO flags (NFQA_SKB_*), 0 when absent.</summary>
        [LibraryImport(LibraryName)]
        internal static partial uint nfq_get_skbinfo(nint nfad);
    }
}
