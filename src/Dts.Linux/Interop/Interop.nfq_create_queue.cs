using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class NetfilterQueue
    {
        /// <summary><c>struct nfq_q_handle *nfq_create_queue(struct nfq_handle *h, uint16_t num, nfq_callback *cb, void *data)</c>:
        /// binds queue <paramref name="num"/> (NFQNL_CFG_CMD_BIND) and registers <paramref name="cb"/>, called from
        /// nfq_handle_packet() as <c>int cb(struct nfq_q_handle *qh, struct nfgenmsg *nfmsg, struct nfq_data *nfad, void *data)</c>.
        /// Returns null on failure (errno; EBUSY: another socket holds the queue number).</summary>
        [LibraryImport(LibraryName, SetLastError = true)]
        internal static unsafe partial nint nfq_create_queue(SafeNfqHandle h, ushort num, delegate* unmanaged<nint, nint, nint, nint, int> cb, nint data);
    }
}
