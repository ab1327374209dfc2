using System.Runtime.InteropServices;
using static Interop.NfNetlink;

namespace Dts.Linux.Netfilter;

/// <summary>
/// One persistent NETLINK_NETFILTER socket that changes nf_tables set elements with messages Dts.Linux builds itself
/// (include/uapi/linux/netfilter/nfnetlink.h, include/uapi/linux/netfilter/nf_tables.h), instead of libnftables'
/// text commands, which parse and fetch the kernel's cache on every call (README-netlink.md). Each
/// <see cref="Apply"/> is one transaction: NFNL_MSG_BATCH_BEGIN, one NFT_MSG_NEWSETELEM, NFT_MSG_DELSETELEM or
/// NFT_MSG_DESTROYSETELEM per command, NFNL_MSG_BATCH_END, in one send; it returns once the kernel has answered, so the elements are in place
/// (or the whole batch was rolled back). Thread-safe: one lock serialises the socket and its two reusable buffers.
/// The socket belongs to the network namespace of the thread that constructs the instance.
/// </summary>
internal sealed unsafe class NfTablesSocket : IDisposable
{
    /// <summary>The most commands one transaction takes (the send buffer is sized for them).</summary>
    internal const int MaxCommands = 16;

    /// <summary>How long <see cref="Apply"/> waits for the kernel's answer (SO_RCVTIMEO) before it gives up with ETIMEDOUT.</summary>
    internal static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(5);

    private const int BufferBytes = 4096;
    private const int ErrorOffset = NfNetlinkWriter.NlmsgHeaderLength; // struct nlmsgerr follows the header

    /// <summary>
    /// True when the running kernel is Linux 6.3 or later, which has NFT_MSG_DESTROYSETELEM (a delete that does not
    /// fail for a missing element). Kernels that backported it (some enterprise 5.14 kernels) read as false and take
    /// the portable path; an older kernel answers the message type with EINVAL.
    /// </summary>
    internal static bool KernelHasDestroySetElement { get; } = Environment.OSVersion.Version >= new Version(6, 3);

    private readonly Lock _lock = new();
    private readonly SafeFdHandle _socket;
    private readonly byte[] _send = GC.AllocateUninitializedArray<byte>(BufferBytes, pinned: true);
    private readonly byte[] _receive = GC.AllocateUninitializedArray<byte>(BufferBytes, pinned: true);
    private uint _seq = 1;

    /// <summary>Opens and binds the socket in the calling thread's network namespace.</summary>
    /// <exception cref="LinuxSocketException">socket, bind or setsockopt failed. (A missing CAP_NET_ADMIN does not fail
    /// here: the kernel answers each transaction with EPERM.)</exception>
    internal NfTablesSocket()
    {
        int fd = Interop.Libc.socket(Interop.Libc.AF_NETLINK, Interop.Libc.SOCK_RAW | Interop.Libc.SOCK_CLOEXEC, NETLINK_NETFILTER);
        if (fd < 0)
        {
            throw LinuxSocketException.FromLastError("socket(AF_NETLINK, NETLINK_NETFILTER)");
        }

        _socket = new SafeFdHandle(fd);
        try
        {
            var address = new sockaddr_nl { nl_family = Interop.Libc.AF_NETLINK };
            if (Interop.Libc.bind(_socket, &address, (uint)sizeof(sockaddr_nl)) != 0)
            {
                throw LinuxSocketException.FromLastError("bind(AF_NETLINK)");
            }

            // An error echoes only the request's header, not the whole request.
            SocketOption.SetInt32(_socket, Interop.Libc.SOL_NETLINK, NETLINK_CAP_ACK, 1, "setsockopt(NETLINK_CAP_ACK)");
            var timeout = new Interop.Libc.timeval { tv_sec = (long)AnswerTimeout.TotalSeconds };
            SocketOption.Set(_socket, Interop.Libc.SOL_SOCKET, Interop.Libc.SO_RCVTIMEO, timeout, "setsockopt(SO_RCVTIMEO)");
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Applies <paramref name="commands"/> to <paramref name="key"/> in table <c>inet</c> <paramref name="table"/> as
    /// one transaction and waits for the kernel's answer.
    /// </summary>
    /// <param name="table">The table's name, UTF-8 with its NUL (<see cref="SetElementCommand.NulTerminated"/>).</param>
    /// <param name="key">The element's key as the set stores it (NFTA_DATA_VALUE).</param>
    /// <param name="commands">1 to <see cref="MaxCommands"/> commands, applied in order.</param>
    /// <returns>0 when the transaction is committed; otherwise the errno that refused it (positive: ENOENT when the
    /// table, set or a deleted element is missing, EPERM without CAP_NET_ADMIN, ETIMEDOUT when no answer came within
    /// <see cref="AnswerTimeout"/>); nothing changed then.</returns>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    internal int Apply(ReadOnlySpan<byte> table, ReadOnlySpan<byte> key, ReadOnlySpan<SetElementCommand> commands)
    {
        if (commands.IsEmpty || commands.Length > MaxCommands)
        {
            throw new ArgumentOutOfRangeException(nameof(commands), $"1 to {MaxCommands} commands per transaction.");
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_socket.IsClosed, this);
            uint begin = _seq;
            uint last = begin + (uint)commands.Length;
            _seq = last + 2; // the batch end takes last + 1
            int length = WriteBatch(_send, begin, table, key, commands);
            fixed (byte* p = _send)
            {
                nint sent;
                do
                {
                    sent = Interop.Libc.send(_socket, p, (nuint)length, 0);
                }
                while (sent < 0 && Marshal.GetLastPInvokeError() == Interop.Libc.EINTR);

                if (sent < 0)
                {
                    return Marshal.GetLastPInvokeError();
                }
            }

            return ReceiveAnswer(begin, last);
        }
    }

    /// <summary>
    /// Writes the batch: NFNL_MSG_BATCH_BEGIN (seq <paramref name="begin"/>), one set-element message per command
    /// (NFT_MSG_NEWSETELEM, NFT_MSG_DELSETELEM or NFT_MSG_DESTROYSETELEM; seq begin + 1 …), NFNL_MSG_BATCH_END. Only the last command asks for an ACK (NLM_F_ACK): the kernel
    /// (net/netfilter/nfnetlink.c, nfnetlink_rcv_batch) reports every failing message whatever its flags, and delivers
    /// those reports in message order after the batch, so the last command's answer closes every transaction that got
    /// as far as its messages; a batch refused as a whole (EPERM, a failed commit) is answered on the begin message.
    /// </summary>
    /// <returns>The number of bytes written.</returns>
    internal static int WriteBatch(Span<byte> buffer, uint begin, ReadOnlySpan<byte> table, ReadOnlySpan<byte> key, ReadOnlySpan<SetElementCommand> commands)
    {
        var w = new NfNetlinkWriter(buffer);
        uint seq = begin;
        w.EndMessage(w.BeginMessage(NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, seq++, NFPROTO_UNSPEC, NFNL_SUBSYS_NFTABLES));
        for (int i = 0; i < commands.Length; i++)
        {
            SetElementCommand command = commands[i];
            bool add = command.Operation == SetElementOperation.Add;
            ushort flags = add ? (ushort)(NLM_F_REQUEST | NLM_F_CREATE) : NLM_F_REQUEST;
            if (i == commands.Length - 1)
            {
                flags |= NLM_F_ACK;
            }

            ushort operation = command.Operation switch
            {
                SetElementOperation.Add => NFT_MSG_NEWSETELEM,
                SetElementOperation.Delete => NFT_MSG_DELSETELEM,
                _ => NFT_MSG_DESTROYSETELEM,
            };
            ushort type = (ushort)(NFNL_SUBSYS_NFTABLES << 8 | operation);
            int message = w.BeginMessage(type, flags, seq++, NFPROTO_INET, 0);
            w.Put(NFTA_SET_ELEM_LIST_TABLE, table);
            w.Put(NFTA_SET_ELEM_LIST_SET, command.Set);
            int elements = w.BeginNested(NFTA_SET_ELEM_LIST_ELEMENTS);
            int element = w.BeginNested(NFTA_LIST_ELEM);
            if (add)
            {
                w.PutBigEndian64(NFTA_SET_ELEM_TIMEOUT, command.TimeoutMilliseconds);
            }

            int keyData = w.BeginNested(NFTA_SET_ELEM_KEY);
            w.Put(NFTA_DATA_VALUE, key);
            w.EndNested(keyData);
            w.EndNested(element);
            w.EndNested(elements);
            w.EndMessage(message);
        }

        w.EndMessage(w.BeginMessage(NFNL_MSG_BATCH_END, NLM_F_REQUEST, seq, NFPROTO_UNSPEC, NFNL_SUBSYS_NFTABLES));
        return w.Length;
    }

    /// <summary>
    /// Reads NLMSG_ERROR answers until the one for <paramref name="last"/> arrives, or an error for the batch as a
    /// whole (seq <paramref name="begin"/>). Answers with a seq outside [begin, last] are leftovers of an earlier
    /// call that gave up (timeout) or stopped at a whole-batch error: skipped.
    /// </summary>
    /// <returns>0, or the first errno reported for the batch.</returns>
    private int ReceiveAnswer(uint begin, uint last)
    {
        int error = 0;
        fixed (byte* p = _receive)
        {
            while (true)
            {
                nint n = Interop.Libc.recv(_socket, p, BufferBytes, 0);
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Interop.Libc.EINTR)
                    {
                        continue;
                    }

                    return errno == Interop.Libc.EAGAIN ? Interop.Libc.ETIMEDOUT : errno;
                }

                if (ReadAnswers(new ReadOnlySpan<byte>(p, (int)n), begin, last, ref error))
                {
                    return error;
                }
            }
        }
    }

    /// <summary>
    /// Reads the netlink messages of one received datagram: NLMSG_ERROR answers (struct nlmsgerr: a negative errno, or
    /// 0 for an ACK) whose seq lies in [<paramref name="begin"/>, <paramref name="last"/>] count, anything else is
    /// skipped.
    /// </summary>
    /// <param name="datagram">What one recv returned.</param>
    /// <param name="begin">The batch begin message's seq.</param>
    /// <param name="last">The last command's seq (the one that asked for an ACK).</param>
    /// <param name="error">The first errno reported for the batch (positive), 0 while none was.</param>
    /// <returns>True when the batch is answered: the last command's answer, or an error on the begin message.</returns>
    internal static bool ReadAnswers(ReadOnlySpan<byte> datagram, uint begin, uint last, ref int error)
    {
        ReadOnlySpan<byte> data = datagram;
        while (data.Length >= NfNetlinkWriter.NlmsgHeaderLength)
        {
            nlmsghdr header = MemoryMarshal.Read<nlmsghdr>(data);
            if (header.nlmsg_len < NfNetlinkWriter.NlmsgHeaderLength || header.nlmsg_len > data.Length)
            {
                return false;
            }

            uint seq = header.nlmsg_seq;
            if (header.nlmsg_type == NLMSG_ERROR && seq - begin <= last - begin && header.nlmsg_len >= ErrorOffset + sizeof(int))
            {
                int e = -MemoryMarshal.Read<int>(data[ErrorOffset..]);
                if (error == 0)
                {
                    error = e;
                }

                if (seq == last || (seq == begin && e != 0))
                {
                    return true;
                }
            }

            int step = NfNetlinkWriter.Align((int)header.nlmsg_len);
            data = step < data.Length ? data[step..] : default;
        }

        return false;
    }

    /// <summary>Closes the socket; a later <see cref="Apply"/> throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _socket.Dispose();
        }
    }

    /// <summary>The symbolic name of the errnos an nf_tables transaction reports (asm-generic/errno*.h), else "errno N".</summary>
    internal static string ErrnoName(int errno) => errno switch
    {
        1 => "EPERM",
        2 => "ENOENT",
        4 => "EINTR",
        11 => "EAGAIN",
        12 => "ENOMEM",
        16 => "EBUSY",
        17 => "EEXIST",
        22 => "EINVAL",
        28 => "ENOSPC",
        34 => "ERANGE",
        85 => "ERESTART",
        95 => "EOPNOTSUPP",
        105 => "ENOBUFS",
        110 => "ETIMEDOUT",
        _ => $"errno {errno}",
    };
}
