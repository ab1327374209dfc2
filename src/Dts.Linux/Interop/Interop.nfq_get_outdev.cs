using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class NetfilterQueue
    {
        /// <summary><c>uint32_t nfq_get_outdev(struct nfq_data *nfad)</c>: output interface index (NFQA_IFINDEX_OUTDEV), 0 when none.</summary>
        [LibraryImport(LibraryName)]
        internal static partial uint nfq_get_outdev(nint nfad);
    }
}
