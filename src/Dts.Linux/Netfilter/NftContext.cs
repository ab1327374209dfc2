using System.Runtime.InteropServices;

namespace Dts.Linux.Netfilter;

/// <summary>
/// One libnftables context with buffered output and errors, serialised by a lock (a context is not
/// thread-safe). nft_ctx_new() opens its netlink socket at once, so the context acts on the network
/// namespace of the thread that created it.
/// </summary>
internal sealed class NftContext : IDisposable
{
    /// <summary>The error libnftables reports when the kernel answers ENOENT to a set element command.</summary>
    internal const string NoSuchElement = "Could not process rule: No such file or directory";

    private readonly Lock _lock = new();
    private readonly SafeNftCtxHandle _ctx;

    internal NftContext()
    {
        _ctx = Interop.Nftables.nft_ctx_new(Interop.Nftables.NFT_CTX_DEFAULT);
        if (_ctx.IsInvalid)
        {
            throw new NftException("nft_ctx_new", "libnftables could not create a context (netlink socket).");
        }

        if (Interop.Nftables.nft_ctx_buffer_output(_ctx) != 0 || Interop.Nftables.nft_ctx_buffer_error(_ctx) != 0)
        {
            _ctx.Dispose();
            throw new NftException("nft_ctx_buffer_output/error", "libnftables could not buffer its output.");
        }
    }

    /// <summary>Runs <paramref name="command"/> as one transaction.</summary>
    /// <returns>True and the output, or false and the error text.</returns>
    internal bool TryRun(string command, out string output, out string error)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_ctx.IsClosed, this);
            int rc = Interop.Nftables.nft_run_cmd_from_buffer(_ctx, command);
            output = ReadBuffer(true);
            error = ReadBuffer(false);
            return rc == 0;
        }
    }

    /// <summary>Runs <paramref name="command"/>; throws <see cref="NftException"/> on failure.</summary>
    internal string Run(string command) =>
        TryRun(command, out string output, out string error) ? output : throw new NftException(command, error);

    public void Dispose()
    {
        lock (_lock)
        {
            _ctx.Dispose();
        }
    }

    private unsafe string ReadBuffer(bool output)
    {
        byte* p = output ? Interop.Nftables.nft_ctx_get_output_buffer(_ctx) : Interop.Nftables.nft_ctx_get_error_buffer(_ctx);
        return Marshal.PtrToStringUTF8((nint)p) ?? string.Empty;
    }
}
