using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Nftables
    {
        /// <summary><c>void nft_ctx_free(struct nft_ctx *ctx)</c>. Only SafeNftCtxHandle calls this.</summary>
        [LibraryImport(LibraryName)]
        internal static partial void nft_ctx_free(nint ctx);
    }
}
