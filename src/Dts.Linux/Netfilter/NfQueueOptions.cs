namespace Dts.Linux.Netfilter;

/// <summary>How an <see cref="NfQueue"/> binds its queue.</summary>
public sealed record NfQueueOptions
{
    /// <summary>The NFQUEUE queue number (the <c>--queue-num</c> of the steering rule), 0–65535.</summary>
    public required ushort QueueNumber { get; init; }

    /// <summary>
    /// How many packets may wait for a verdict (nfq_set_queue_maxlen, kernel default 1024). When the queue is
    /// full the kernel drops new packets (no fail-open) and counts them in
    /// /proc/net/netfilter/nfnetlink_queue (queue_dropped).
    /// </summary>
    public uint MaxQueueLength { get; init; } = 4096;

    /// <summary>
    /// The netlink socket's receive buffer in bytes (SO_RCVBUFFORCE; the kernel doubles the value for its
    /// bookkeeping). When it overflows the kernel drops the packet and recv(2) reports ENOBUFS once
    /// (<see cref="NfQueue.NoBufferErrors"/>). Default 8 MiB.
    /// </summary>
    public int ReceiveBufferSize { get; init; } = 8 * 1024 * 1024;

    /// <summary>
    /// NFQA_CFG_F_GSO: queue GSO/GRO super-packets whole, with checksums possibly not ready, instead of having
    /// the kernel segment them and complete their checksums first (slower). Default true.
    /// </summary>
    public bool AcceptGso { get; init; } = true;
}
