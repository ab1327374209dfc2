namespace Dts.Linux.Netfilter;

/// <summary>
/// One set-element command of an nf_tables transaction (<see cref="NfTablesSocket.Apply"/>): add the key to
/// <see cref="Set"/> with a timeout (NFT_MSG_NEWSETELEM with NLM_F_CREATE: an element already there is no error),
/// or delete it (NFT_MSG_DELSETELEM: a missing element fails the transaction with ENOENT).
/// </summary>
internal readonly struct SetElementCommand
{
    private SetElementCommand(bool delete, byte[] set, ulong timeoutMilliseconds)
    {
        IsDelete = delete;
        Set = set;
        TimeoutMilliseconds = timeoutMilliseconds;
    }

    /// <summary>True for a delete, false for an add.</summary>
    internal bool IsDelete { get; }

    /// <summary>The set's name as UTF-8 with its terminating NUL (an NLA_STRING as nft sends it).</summary>
    internal byte[] Set { get; }

    /// <summary>An add's element timeout in milliseconds (NFTA_SET_ELEM_TIMEOUT); 0 for a delete.</summary>
    internal ulong TimeoutMilliseconds { get; }

    /// <summary>Adds the key to <paramref name="set"/>, expiring after <paramref name="timeoutMilliseconds"/> (at least 1).</summary>
    internal static SetElementCommand Add(byte[] set, ulong timeoutMilliseconds)
    {
        ArgumentOutOfRangeException.ThrowIfZero(timeoutMilliseconds);
        return new(false, set, timeoutMilliseconds);
    }

    /// <summary>Deletes the key from <paramref name="set"/>.</summary>
    internal static SetElementCommand Delete(byte[] set) => new(true, set, 0);

    /// <summary>A name as an NLA_STRING payload: UTF-8 and a terminating NUL.</summary>
    internal static byte[] NulTerminated(string name)
    {
        byte[] bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(name) + 1];
        System.Text.Encoding.UTF8.GetBytes(name, bytes);
        return bytes;
    }
}
