using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dts.Linux.Netfilter;

public sealed partial class NfQueue
{
    /// <summary>The receive thread: recv(2) into the one buffer, nfq_handle_packet() runs <see cref="OnPacket"/> per packet.
    /// It also tears down, so every libnetfilter_queue call after construction happens on this thread.</summary>
    private unsafe void Run()
    {
        try
        {
            while (!_stopping)
            {
                nint n = Interop.Libc.recv(_socket, _buffer, ReceiveBufferBytes, 0);
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Interop.Libc.ENOBUFS)
                    {
                        Interlocked.Increment(ref _noBuffers);
                    }
                    else if (errno != Interop.Libc.EAGAIN && errno != Interop.Libc.EINTR)
                    {
                        throw new LinuxSocketException("recv(nfnetlink queue)", errno);
                    }

                    continue;
                }

                if (Interop.NetfilterQueue.nfq_handle_packet(_nfq, _buffer, (int)n) < 0)
                {
                    Interlocked.Increment(ref _verdictErrors);
                }
            }
        }
        catch (Exception ex)
        {
            _fault = ex;
        }
        finally
        {
            _stopping = true;

            // nfq_destroy_queue() waits for the kernel's ack and meanwhile dispatches packets still in the socket
            // to OnPacket, which drops them because _stopping is set.
            _queue.Dispose();
            _nfq.Dispose();
            _self.Free();
            NativeMemory.Free(_buffer);
        }
    }

    [UnmanagedCallersOnly]
    private static int OnPacket(nint queue, nint nfmsg, nint nfad, nint data)
    {
        // No exception may cross into libnetfilter_queue: OnPacketCore catches the handler's.
        ((NfQueue)GCHandle.FromIntPtr(data).Target!).OnPacketCore(queue, nfad);
        return 0;
    }

    private unsafe void OnPacketCore(nint queue, nint nfad)
    {
        Interlocked.Increment(ref _packets);
        Interop.NetfilterQueue.nfqnl_msg_packet_hdr* header = Interop.NetfilterQueue.nfq_get_msg_packet_hdr(nfad);
        if (header == null)
        {
            // Without an id there is nothing to give a verdict to; the kernel keeps the packet until unbind.
            Interlocked.Increment(ref _verdictErrors);
            return;
        }

        uint id = BinaryPrimitives.ReverseEndianness(header->packet_id);
        byte* data;
        int length = Interop.NetfilterQueue.nfq_get_payload(nfad, &data);
        PacketVerdict verdict = PacketVerdict.Drop;
        if (length > 0 && IsTruncated(new ReadOnlySpan<byte>(data, length)))
        {
            Interlocked.Increment(ref _truncated);
        }
        else if (length > 0 && !_stopping)
        {
            var packet = new QueuedPacket(
                id,
                new Span<byte>(data, length),
                Interop.NetfilterQueue.nfq_get_skbinfo(nfad),
                Interop.NetfilterQueue.nfq_get_nfmark(nfad),
                (NetfilterHook)header->hook,
                BinaryPrimitives.ReverseEndianness(header->hw_protocol),
                Interop.NetfilterQueue.nfq_get_indev(nfad),
                Interop.NetfilterQueue.nfq_get_outdev(nfad));
            try
            {
                verdict = _handler(ref packet);
            }
            catch (Exception)
            {
                Interlocked.Increment(ref _handlerErrors);
                verdict = PacketVerdict.Drop;
            }
        }

        int rc;
        switch (verdict)
        {
            case PacketVerdict.Accept:
                rc = Interop.NetfilterQueue.nfq_set_verdict(queue, id, Interop.NetfilterQueue.NF_ACCEPT, 0, null);
                Interlocked.Increment(ref _accepted);
                break;
            case PacketVerdict.AcceptModified:
                rc = Interop.NetfilterQueue.nfq_set_verdict(queue, id, Interop.NetfilterQueue.NF_ACCEPT, (uint)length, data);
                Interlocked.Increment(ref _modified);
                break;
            default:
                rc = Interop.NetfilterQueue.nfq_set_verdict(queue, id, Interop.NetfilterQueue.NF_DROP, 0, null);
                Interlocked.Increment(ref _dropped);
                break;
        }

        if (rc < 0)
        {
            Interlocked.Increment(ref _verdictErrors);
        }
    }

    /// <summary>
    /// True when the IP header announces more bytes than were copied (the kernel adds NFQA_CAP_LEN then, which
    /// libnetfilter_queue 1.0.5 has no getter for). A verdict with such a payload would cut the packet
    /// (nfqnl_mangle() trims to the verdict's length), so these are dropped. Length 0 is IPv4 BIG TCP / an IPv6
    /// jumbogram: truncated when it filled the copy range.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsTruncated(ReadOnlySpan<byte> packet)
    {
        int declared;
        switch (packet[0] >> 4)
        {
            case 4 when packet.Length >= 20:
                declared = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
                break;
            case 6 when packet.Length >= 40:
                int payload = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
                declared = payload == 0 ? 0 : 40 + payload;
                break;
            default:
                return false;
        }

        return declared == 0 ? packet.Length >= Interop.NetfilterQueue.NfqnlMaxCopyRange : declared > packet.Length;
    }
}
