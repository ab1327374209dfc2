internal static partial class Interop
{
    /// <summary>libnftables (nftables' include/nftables/libnftables.h): the nft command language as a library.</summary>
    internal static partial class Nftables
    {
        internal const string LibraryName = "libnftables.so.1";

        /// <summary>NFT_CTX_DEFAULT: open the netlink socket in nft_ctx_new().</summary>
        internal const uint NFT_CTX_DEFAULT = 0;
    }
}
