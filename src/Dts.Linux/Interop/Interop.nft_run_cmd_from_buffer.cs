using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Nftables
    {
        /// <summary><c>int nft_run_cmd_from_buffer(struct nft_ctx *nft, const char *buf)</c>: runs the commands as one
        /// transaction. 0 on success, -1 on failure (details in the error buffer).</summary>
        [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int nft_run_cmd_from_buffer(SafeNftCtxHandle nft, string buf);
    }
}
