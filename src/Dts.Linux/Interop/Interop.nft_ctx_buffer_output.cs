using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Nftables
    {
        /// <summary><c>int nft_ctx_buffer_output(struct nft_ctx *ctx)</c>: collect stdout in a buffer. 0 on success.</summary>
        [LibraryImport(LibraryName)]
        internal static partial int nft_ctx_buffer_output(SafeNftCtxHandle ctx);
    }
}
