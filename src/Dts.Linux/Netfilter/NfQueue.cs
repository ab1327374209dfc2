using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Dts.Linux.Netfilter;

/// <summary>
/// One bound NFQUEUE queue (libnetfilter_queue over nfnetlink): full-packet copy mode, GSO packets whole,
/// fail-closed (NFQA_CFG_F_FAIL_OPEN is explicitly cleared, so a full queue or an unbound queue drops packets
/// instead of passing them untranslated). A dedicated thread — not the thread pool — receives packets into
/// one pinned buffer and calls the <see cref="PacketHandler"/> for each, then sends its verdict; nothing is
/// allocated per packet. The queue is bound in the network namespace of the thread that runs the constructor
/// (run it inside <see cref="Namespaces.NetworkNamespace.Run{T}(Func{T})"/> for another namespace).
/// </summary>
public sealed partial class NfQueue : IDisposable
{
    /// <summary>One netlink message: up to NFQNL_MAX_COPY_RANGE payload bytes plus the packet attributes.</summary>
    private const int ReceiveBufferBytes = 0x10000 + 0x1000;

    /// <summary>SO_RCVTIMEO of the socket: how long Dispose waits at most for the thread to notice.</summary>
    private const int StopPollMilliseconds = 100;

    private readonly PacketHandler _handler;
    // The receive thread owns the native handles and closes them as it ends (Run's finally), so that every
    // libnetfilter_queue call happens on it; Dispose only stops and joins that thread.
    [SuppressMessage("Reliability", "CA2213:Disposable fields should be disposed", Justification = "Closed by the receive thread, which Dispose joins.")]
    private readonly SafeNfqHandle _nfq;
    [SuppressMessage("Reliability", "CA2213:Disposable fields should be disposed", Justification = "Closed by the receive thread, which Dispose joins.")]
    private readonly SafeNfqQueueHandle _queue;
    [SuppressMessage("Reliability", "CA2213:Disposable fields should be disposed", Justification = "Does not own the fd: nfq_close() closes it.")]
    private readonly SafeFdHandle _socket;
    private readonly GCHandle _self;
    private readonly unsafe byte* _buffer;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private volatile Exception? _fault;
    private long _packets;
    private long _accepted;
    private long _modified;
    private long _dropped;
    private long _truncated;
    private long _noBuffers;
    private long _verdictErrors;
    private long _handlerErrors;

    /// <summary>Binds the queue and starts the receive thread.</summary>
    /// <param name="options">Queue number and sizes.</param>
    /// <param name="handler">Called once per packet on the queue's thread.</param>
    /// <exception cref="LinuxSocketException">nfq_open (EPERM without CAP_NET_ADMIN), nfq_create_queue (EBUSY: another
    /// socket holds the queue number), nfq_set_mode, nfq_set_queue_maxlen, nfq_set_queue_flags or setsockopt failed.</exception>
    public unsafe NfQueue(NfQueueOptions options, PacketHandler handler)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ReceiveBufferSize, 4096, nameof(options));
        ArgumentOutOfRangeException.ThrowIfZero(options.MaxQueueLength, nameof(options));
        Options = options;
        _handler = handler;
        _self = GCHandle.Alloc(this);
        try
        {
            // nfq_bind_pf()/nfq_unbind_pf() are not called: since Linux 3.8 the kernel ignores
            // NFQNL_CFG_CMD_PF_(UN)BIND (nfqnl_recv_config(): "Obsolete commands without queue context").
            _nfq = Interop.NetfilterQueue.nfq_open();
            if (_nfq.IsInvalid)
            {
                throw LinuxSocketException.FromLastError("nfq_open");
            }

            nint queue = Interop.NetfilterQueue.nfq_create_queue(_nfq, options.QueueNumber, &OnPacket, GCHandle.ToIntPtr(_self));
            if (queue == 0)
            {
                throw LinuxSocketException.FromLastError(() => $"nfq_create_queue({options.QueueNumber})");
            }

            _queue = new SafeNfqQueueHandle(_nfq, queue);
            if (Interop.NetfilterQueue.nfq_set_mode(_queue, Interop.NetfilterQueue.NFQNL_COPY_PACKET, 0xffff) < 0)
            {
                throw LinuxSocketException.FromLastError("nfq_set_mode(NFQNL_COPY_PACKET)");
            }

            if (Interop.NetfilterQueue.nfq_set_queue_maxlen(_queue, options.MaxQueueLength) < 0)
            {
                throw LinuxSocketException.FromLastError("nfq_set_queue_maxlen");
            }

            // The mask names FAIL_OPEN too, so it is cleared explicitly, whatever set it before.
            uint mask = Interop.NetfilterQueue.NFQA_CFG_F_GSO | Interop.NetfilterQueue.NFQA_CFG_F_FAIL_OPEN;
            uint flags = options.AcceptGso ? Interop.NetfilterQueue.NFQA_CFG_F_GSO : 0;
            if (Interop.NetfilterQueue.nfq_set_queue_flags(_queue, mask, flags) < 0)
            {
                throw LinuxSocketException.FromLastError("nfq_set_queue_flags(NFQA_CFG_F_GSO, ~NFQA_CFG_F_FAIL_OPEN)");
            }

            _socket = new SafeFdHandle(Interop.NetfilterQueue.nfq_fd(_nfq), ownsHandle: false);
            SetReceiveBuffer(_socket, options.ReceiveBufferSize);
            var timeout = new Interop.Libc.timeval { tv_usec = StopPollMilliseconds * 1000 };
            SocketOption.Set(_socket, Interop.Libc.SOL_SOCKET, Interop.Libc.SO_RCVTIMEO, timeout, "setsockopt(SO_RCVTIMEO)");
            _buffer = (byte*)NativeMemory.Alloc(ReceiveBufferBytes);
        }
        catch
        {
            _queue?.Dispose();
            _nfq?.Dispose();
            _self.Free();
            throw;
        }

        _thread = new Thread(Run) { IsBackground = true, Name = $"nfqueue {options.QueueNumber}" };
        _thread.Start();
    }

    /// <summary>The options the queue was bound with.</summary>
    public NfQueueOptions Options { get; }

    /// <summary>True while the receive thread runs (false after <see cref="Dispose"/> or a <see cref="Fault"/>).</summary>
    public bool IsRunning => _thread.IsAlive && !_stopping;

    /// <summary>The error that ended the receive thread (a recv(2) errno other than EINTR, EAGAIN, ENOBUFS), or null.
    /// After a fault the queue is unbound and the kernel drops the steered packets.</summary>
    public Exception? Fault => _fault;

    /// <summary>Packets received from the kernel.</summary>
    public long Packets => Interlocked.Read(ref _packets);

    /// <summary>Packets accepted unchanged (<see cref="PacketVerdict.Accept"/>).</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Packets accepted with rewritten bytes (<see cref="PacketVerdict.AcceptModified"/>).</summary>
    public long Modified => Interlocked.Read(ref _modified);

    /// <summary>Packets dropped by verdict: the handler's, a handler exception's, a truncated packet's, or during shutdown.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Packets longer than the 65531-byte copy range (only possible with BIG TCP); dropped, never shown to the handler.</summary>
    public long Truncated => Interlocked.Read(ref _truncated);

    /// <summary>recv(2) returned ENOBUFS: the socket buffer overflowed and the kernel dropped at least one packet.
    /// The thread keeps running.</summary>
    public long NoBufferErrors => Interlocked.Read(ref _noBuffers);

    /// <summary>Verdicts that failed: sendmsg(2) errors and NLMSG_ERROR answers from the kernel.</summary>
    public long VerdictErrors => Interlocked.Read(ref _verdictErrors);

    /// <summary>Exceptions thrown by the handler (each dropped its packet).</summary>
    public long HandlerErrors => Interlocked.Read(ref _handlerErrors);

    /// <summary>
    /// Stops the thread (within about 100 ms), then unbinds the queue and closes the socket on that thread.
    /// Packets still queued in the kernel are dropped, and so are packets steered to the queue afterwards.
    /// </summary>
    public void Dispose()
    {
        _stopping = true;
        if (Environment.CurrentManagedThreadId != _thread.ManagedThreadId)
        {
            _thread.Join();
        }
    }

    private static void SetReceiveBuffer(SafeFdHandle socket, int bytes)
    {
        unsafe
        {
            // SO_RCVBUFFORCE ignores net.core.rmem_max but needs CAP_NET_ADMIN; SO_RCVBUF is capped by rmem_max.
            if (Interop.Libc.setsockopt(socket, Interop.Libc.SOL_SOCKET, Interop.Libc.SO_RCVBUFFORCE, &bytes, sizeof(int)) == 0)
            {
                return;
            }
        }

        SocketOption.SetInt32(socket, Interop.Libc.SOL_SOCKET, Interop.Libc.SO_RCVBUF, bytes, "setsockopt(SO_RCVBUF)");
    }
}
