using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Nftables
    {
        /// <summary><c>const char *nft_ctx_get_output_buffer(struct nft_ctx *ctx)</c>: the output since the last call (then cleared).</summary>
        [LibraryImport(LibraryName)]
        internal static unsafe partial byte* nft_ctx_get_output_buffer(SafeNftCtxHandle ctx);
    }
}
