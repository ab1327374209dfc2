using System.Runtime.InteropServices;

/// <summary>An owned <c>struct nfq_handle *</c> (libnetfilter_queue), closed with nfq_close() (which closes its socket).</summary>
internal sealed class SafeNfqHandle : SafeHandle
{
    public SafeNfqHandle()
        : base(nint.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == nint.Zero;

    protected override bool ReleaseHandle() => Interop.NetfilterQueue.nfq_close(handle) == 0;
}
