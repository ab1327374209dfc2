using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Nftables
    {
        /// <summary><c>struct nft_ctx *nft_ctx_new(uint32_t flags)</c>; opens the netlink socket in the calling
        /// thread's network namespace. Returns null on failure.</summary>
        [LibraryImport(LibraryName)]
        internal static partial SafeNftCtxHandle nft_ctx_new(uint flags);
    }
}
