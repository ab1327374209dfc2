using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class NetfilterQueue
    {
        /// <summary><c>uint32_t nfq_get_nfmark(struct nfq_data *nfad)</c>: skb->mark (NFQA_MARK), 0 when absent.</summary>
        [LibraryImport(LibraryName)]
        internal static partial uint nfq_get_nfmark(nint nfad);
    }
}
