using System.Runtime.InteropServices;

namespace Dts.Linux;

/// <summary>An owned file descriptor that is not (yet) a <see cref="System.Net.Sockets.SafeSocketHandle"/>.</summary>
internal sealed class SafeFdHandle : SafeHandle
{
    public SafeFdHandle()
        : base(invalidHandleValue: -1, ownsHandle: true)
    {
    }

    internal SafeFdHandle(int fd)
        : this() => SetHandle(fd);

    /// <summary>Wraps <paramref name="fd"/>; with <paramref name="ownsHandle"/> false the descriptor belongs to someone
    /// else (e.g. libnetfilter_queue's socket) and is never closed through this handle.</summary>
    internal SafeFdHandle(int fd, bool ownsHandle)
        : base(invalidHandleValue: -1, ownsHandle) => SetHandle(fd);

    public override bool IsInvalid => handle < 0;

    /// <summary>The descriptor number, for logging and for handing ownership to another SafeHandle.</summary>
    internal int Fd => (int)handle;

    /// <summary>Gives up ownership: the caller now owns <see cref="Fd"/>.</summary>
    internal int Release()
    {
        int fd = (int)handle;
        SetHandleAsInvalid();
        return fd;
    }

    protected override bool ReleaseHandle() => Interop.Libc.close((int)handle) == 0;
}
