using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class NetfilterQueue
    {
        /// <summary><c>struct nfqnl_msg_packet_hdr *nfq_get_msg_packet_hdr(struct nfq_data *nfad)</c>: the
        /// NFQA_PACKET_HDR attribute inside the received message, or null.</summary>
        [LibraryImport(LibraryName)]
        internal static unsafe partial nfqnl_msg_packet_hdr* nfq_get_msg_packet_hdr(nint nfad);
    }
}
