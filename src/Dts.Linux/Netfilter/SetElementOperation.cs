namespace Dts.Linux.Netfilter;

/// <summary>What a <see cref="SetElementCommand"/> does to its element (include/uapi/linux/netfilter/nf_tables.h).</summary>
internal enum SetElementOperation
{
    /// <summary>NFT_MSG_NEWSETELEM with NLM_F_CREATE: an element already there is no error.</summary>
    Add,

    /// <summary>NFT_MSG_DELSETELEM: a missing element fails the transaction with ENOENT.</summary>
    Delete,

    /// <summary>NFT_MSG_DESTROYSETELEM (Linux ≥ 6.3): a delete for which a missing element is no error.</summary>
    Destroy,
}
