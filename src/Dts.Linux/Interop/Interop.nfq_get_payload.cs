using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class NetfilterQueue
    {
        /// <summary><c>int nfq_get_payload(struct nfq_data *nfad, unsigned char **data)</c>: points <paramref name="data"/> at the
        /// NFQA_PAYLOAD bytes (the network-layer packet) inside the received message; returns their length or -1.</summary>
        [LibraryImport(LibraryName)]
        internal static unsafe partial int nfq_get_payload(nint nfad, byte** data);
    }
}
