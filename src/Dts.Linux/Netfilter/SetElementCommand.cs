namespace Dts.Linux.Netfilter;

/// <summary>One set-element command of an nf_tables transaction (<see cref="NfTablesSocket.Apply"/>).</summary>
internal readonly struct SetElementCommand
{
    private SetElementCommand(SetElementOperation operation, byte[] set, ulong timeoutMilliseconds)
    {
        Operation = operation;
        Set = set;
        TimeoutMilliseconds = timeoutMilliseconds;
    }

    /// <summary>Add, delete or destroy.</summary>
    internal SetElementOperation Operation { get; }

    /// <summary>The set's name as UTF-8 with its terminating NUL (an NLA_STRING as nft sends it).</summary>
    internal byte[] Set { get; }

    /// <summary>An add's element timeout in milliseconds (NFTA_SET_ELEM_TIMEOUT); 0 otherwise.</summary>
    internal ulong TimeoutMilliseconds { get; }

    /// <summary>Adds the key to <paramref name="set"/>, expiring after <paramref name="timeoutMilliseconds"/> (at least 1).</summary>
    internal static SetElementCommand Add(byte[] set, ulong timeoutMilliseconds)
    {
        ArgumentOutOfRangeException.ThrowIfZero(timeoutMilliseconds);
        return new(SetElementOperation.Add, set, timeoutMilliseconds);
    }

    /// <summary>Deletes the key from <paramref name="set"/>; the transaction fails with ENOENT when it is missing.</summary>
    internal static SetElementCommand Delete(byte[] set) => new(SetElementOperation.Delete, set, 0);

    /// <summary>Deletes the key from <paramref name="set"/> if it is there (Linux ≥ 6.3).</summary>
    internal static SetElementCommand Destroy(byte[] set) => new(SetElementOperation.Destroy, set, 0);

    /// <summary>A name as an NLA_STRING payload: UTF-8 and a terminating NUL.</summary>
    internal static byte[] NulTerminated(string name)
    {
        byte[] bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(name) + 1];
        System.Text.Encoding.UTF8.GetBytes(name, bytes);
        return bytes;
    }
}
