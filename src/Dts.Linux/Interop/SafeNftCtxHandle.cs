using System.Runtime.InteropServices;

/// <summary>An owned <c>struct nft_ctx *</c> (libnftables), freed with nft_ctx_free().</summary>
internal sealed class SafeNftCtxHandle : SafeHandle
{
    public SafeNftCtxHandle()
        : base(nint.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == nint.Zero;

    protected override bool ReleaseHandle()
    {
        Interop.Nftables.nft_ctx_free(handle);
        return true;
    }
}
