using System.Runtime.InteropServices;

/// <summary>
/// An owned <c>struct nfq_q_handle *</c>, destroyed with nfq_destroy_queue(). It keeps its
/// <see cref="SafeNfqHandle"/> alive (DangerousAddRef) so the library handle is never closed first.
/// </summary>
internal sealed class SafeNfqQueueHandle : SafeHandle
{
    private readonly SafeNfqHandle _owner;

    internal SafeNfqQueueHandle(SafeNfqHandle owner, nint queue)
        : base(nint.Zero, ownsHandle: true)
    {
        _owner = owner;
        bool added = false;
        owner.DangerousAddRef(ref added);
        SetHandle(queue);
    }

    public override bool IsInvalid => handle == nint.Zero;

    protected override bool ReleaseHandle()
    {
        int rc = Interop.NetfilterQueue.nfq_destroy_queue(handle);
        _owner.DangerousRelease();
        return rc == 0;
    }
}
