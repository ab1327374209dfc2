namespace Dts.Linux.Netfilter;

/// <summary>libnftables rejected a command: carries the command text and libnftables' error output.</summary>
public sealed class NftException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="command">The nft command(s) that failed.</param>
    /// <param name="error">libnftables' error buffer (nft_ctx_get_error_buffer()).</param>
    public NftException(string command, string error)
        : base($"nft command failed: {error.Trim()}\n--- command ---\n{command}")
    {
        Command = command;
        Error = error;
    }

    /// <summary>The nft command(s) that failed.</summary>
    public string Command { get; }

    /// <summary>libnftables' error text, e.g. <c>Error: Could not process rule: No such file or directory</c>.</summary>
    public string Error { get; }
}
