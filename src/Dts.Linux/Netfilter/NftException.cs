namespace Dts.Linux.Netfilter;

/// <summary>
/// libnftables or the kernel rejected a command: carries the command text (for a netlink transaction of
/// <c>NfTablesSocket</c>, the same commands in nft syntax) and the error (libnftables' error output, or the
/// errno the kernel answered with its text and name, e.g. <c>No such file or directory (ENOENT, errno 2)</c>).
/// </summary>
public sealed class NftException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="command">The nft command(s) that failed.</param>
    /// <param name="error">libnftables' error buffer (nft_ctx_get_error_buffer()), or the kernel's errno as text.</param>
    public NftException(string command, string error)
        : base($"nft command failed: {error.Trim()}\n--- command ---\n{command}")
    {
        Command = command;
        Error = error;
    }

    /// <summary>The nft command(s) that failed.</summary>
    public string Command { get; }

    /// <summary>The error text, e.g. <c>Error: Could not process rule: No such file or directory</c> (libnftables) or
    /// <c>Error: No such file or directory (ENOENT, errno 2): the kernel refused the netlink transaction</c>.</summary>
    public string Error { get; }
}
