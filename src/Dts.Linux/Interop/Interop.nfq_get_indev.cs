using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class NetfilterQueue
    {
        /// <summary><c>uint32_t nfq_get_indev(struct nfq_data *nfad)</c>: input interface index (NFQA_IFINDEX_INDEV), 0 when none.</summary>
        [LibraryImport(LibraryName)]
        internal static partial uint nfq_get_indev(nint nfad);
    }
}
