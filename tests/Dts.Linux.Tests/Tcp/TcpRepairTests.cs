using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Dts.Core.Tcp;
using Dts.Linux.Namespaces;
using Dts.Linux.Netfilter;
using Dts.Linux.Tcp;
using Dts.Linux.Tests.Infrastructure;

namespace Dts.Linux.Tests.Tcp;

/// <summary>TcpRepair on a loopback connection inside a private namespace.</summary>
public sealed class TcpRepairTests : IDisposable
{
    private readonly TestNamespaces _namespaces = new();
    private readonly NetworkNamespace _ns;
    private readonly Socket _listener;
    private readonly Socket _client;
    private readonly Socket _server;

    public TcpRepairTests()
    {
        _ns = _namespaces.Add("lo");
        _listener = _ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        if (LinuxEnvironment.IsRoot)
        {
            TcpRepair.EnableSaveSyn(_listener);
        }

        _listener.Listen();
        _client = _ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _client.ReceiveTimeout = _client.SendTimeout = 10_000;
        _client.Connect(_listener.LocalEndPoint!);
        _server = _listener.Accept();
        _server.ReceiveTimeout = _server.SendTimeout = 10_000;
    }

    public void Dispose()
    {
        _server.Dispose();
        _client.Dispose();
        _listener.Dispose();
        _namespaces.Dispose();
    }

    [RootFact]
    public void Thaw_ConnectionLingers_ARestartedListenerStillBinds()
    {
        // TCP_REPAIR_OFF leaves sk_reuse at SK_NO_REUSE (do_tcp_setsockopt, net/ipv4/tcp.c), while the connection
        // came with SO_REUSEADDR from its listener (.NET sets it on every TCP socket it binds): a thawed socket
        // still bound to the port must not keep a restarted listener from binding it (EADDRINUSE).
        var port = (IPEndPoint)_listener.LocalEndPoint!;
        TcpRepair.Freeze(_server.SafeHandle);
        TcpRepair.Thaw(_server.SafeHandle);
        _listener.Dispose();

        using var restarted = _ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        restarted.Bind(port);
        restarted.Listen();

        var reuse = new byte[4];
        _server.GetRawSocketOption(1 /* SOL_SOCKET */, 2 /* SO_REUSEADDR */, reuse);
        Assert.Equal(1, BitConverter.ToInt32(reuse));
        _client.Send("still here"u8);
        Assert.Equal("still here"u8.ToArray(), _server.ReceiveExactly(10));
    }

    [RootFact]
    public void Thaw_AfterCheckpoint_ConnectionCarriesOn()
    {
        _client.Send("abcdef"u8);
        SocketExtensions.WaitUntil(() => TcpRepair.GetInq(_server.SafeHandle) == 6, TimeSpan.FromSeconds(5), "6 bytes queued");

        TcpRepair.Freeze(_server.SafeHandle);
        TcpRepairState state = TcpRepair.Checkpoint(_server.SafeHandle);
        TcpRepair.Thaw(_server.SafeHandle);

        Assert.Equal("abcdef"u8.ToArray(), state.RecvQueue.ToArray());
        Assert.Equal(0, state.SendQueue.Length);
        Assert.Equal(state.Window.rcv_wup, state.RecvSeq.Value); // loopback ACKed everything at once
        Assert.Equal("abcdef"u8.ToArray(), _server.ReceiveExactly(6)); // peeking consumed nothing
        byte[] data = RandomNumberGenerator.GetBytes(256 * 1024);
        Task send = Task.Run(() => _server.Send(data));
        Assert.Equal(data, _client.ReceiveExactly(data.Length));
        Assert.True(send.Wait(TimeSpan.FromSeconds(10)));
        _client.Send("more"u8);
        Assert.Equal("more"u8.ToArray(), _server.ReceiveExactly(4));
    }

    /// <summary>
    /// The anchor taken at accept and a checkpoint without repair mode read what the frozen checkpoint reads: both
    /// sequence numbers (after a response the client acknowledged), the unread queue, the MSS clamp, options, window
    /// scales and windows; snd_wl1 and rcv_wup are set so that the client's next segment updates the send window and
    /// the right edge offered is not moved left.
    /// </summary>
    [RootFact]
    public void CheckpointLive_AfterAnAnchor_ReadsWhatTheFrozenCheckpointReads()
    {
        var anchor = TcpRepair.Anchor(_server.SafeHandle); // nothing has read the socket yet
        _client.Send("GET / HTTP/1.1\r\n"u8);
        Assert.Equal("GET "u8.ToArray(), _server.ReceiveExactly(4));
        _server.Send(RandomNumberGenerator.GetBytes(1000));
        Assert.Equal(1000, _client.ReceiveExactly(1000).Length);
        _client.Send("Host: x\r\n\r\n"u8);
        SocketExtensions.WaitUntil(() => TcpRepair.GetOutq(_server.SafeHandle) == 0 && TcpRepair.GetInq(_server.SafeHandle) == 23,
            TimeSpan.FromSeconds(5), "the response acknowledged and 23 bytes queued");

        var live = TcpRepair.CheckpointLive(_server.SafeHandle, anchor, out var bytesReceived);
        TcpRepair.Freeze(_server.SafeHandle);
        var frozen = TcpRepair.Checkpoint(_server.SafeHandle);
        TcpRepair.Thaw(_server.SafeHandle);

        Assert.Equal(27UL, bytesReceived);
        Assert.Equal((frozen.SendSeq, frozen.RecvSeq, frozen.Mss), (live.SendSeq, live.RecvSeq, live.Mss));
        Assert.Equal(frozen.RecvQueue.ToArray(), live.RecvQueue.ToArray());
        Assert.Equal("/ HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), live.RecvQueue.ToArray());
        Assert.Equal((frozen.WindowScaling, frozen.SndWscale, frozen.RcvWscale, frozen.SackPermitted, frozen.Timestamps),
            (live.WindowScaling, live.SndWscale, live.RcvWscale, live.SackPermitted, live.Timestamps));
        Assert.Equal((frozen.Window.snd_wnd, frozen.Window.rcv_wnd), (live.Window.snd_wnd, live.Window.rcv_wnd));
        // rcv_wup is rcv_nxt at this socket's last window update; its ACK of the last segment may still be delayed, so
        // the live one (rcv_nxt) may be later: the right edge it offers is never left of the kernel's.
        Assert.Equal(live.RecvSeq.Value, live.Window.rcv_wup);
        Assert.False(new SeqNum(frozen.Window.rcv_wup) > new SeqNum(live.Window.rcv_wup));
        Assert.Equal(live.RecvSeq.Value - 1, live.Window.snd_wl1);
        // The kernel's is the sequence number of the segment that last updated the send window (≤ rcv_nxt): with
        // rcv_nxt − 1, the client's next segment (at rcv_nxt) updates it on the restored socket (tcp_may_update_window()).
        Assert.False(new SeqNum(frozen.Window.snd_wl1) > new SeqNum(live.RecvSeq.Value));
        Assert.True(live.Window.max_window >= live.Window.snd_wnd);
        Assert.InRange(frozen.TsVal - live.TsVal, 0u, 1000u); // the same millisecond clock, read a moment apart
        Assert.Equal("/ HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), _server.ReceiveExactly(23)); // peeking consumed nothing
    }

    /// <summary>
    /// What the anchor is for: an application that keeps receiving (Kestrel's transport, with its zero-byte waits)
    /// while the socket is checkpointed 300 times never sees an error, and every checkpoint's stream adds up: its
    /// queue is the client's stream from the first byte the application had not taken, to the last one sent.
    /// </summary>
    [RootFact]
    public async Task CheckpointLive_WhileTheApplicationReceives_NeverFailsItsReceives()
    {
        var anchor = TcpRepair.Anchor(_server.SafeHandle);
        _client.NoDelay = true;
        long taken = 0;
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            var buffer = new byte[7];
            while (!stop.IsCancellationRequested)
            {
                await _server.ReceiveAsync(Memory<byte>.Empty, stop.Token); // .NET peeks one byte: EINVAL under repair
                Interlocked.Add(ref taken, await _server.ReceiveAsync(buffer, stop.Token));
            }
        });
        long sent = 0;
        for (var i = 0; i < 300; i++)
        {
            _client.Send(Enumerable.Range((int)sent, 1 + (i % 50)).Select(Pattern).ToArray());
            sent += 1 + (i % 50);
            SocketExtensions.WaitUntil(() => TcpRepair.GetInfo(_server.SafeHandle).BytesReceived == (ulong)sent, TimeSpan.FromSeconds(5), $"{sent} bytes received");
            long before = Interlocked.Read(ref taken);
            var state = TcpRepair.CheckpointLive(_server.SafeHandle, anchor, out var bytesReceived);
            Assert.Equal(sent, (long)bytesReceived);
            long inUserSpace = (long)bytesReceived - state.RecvQueue.Length;
            Assert.InRange(inUserSpace, before, sent); // the reader counts a read after the kernel gave it
            Assert.Equal(Enumerable.Range((int)inUserSpace, state.RecvQueue.Length).Select(Pattern).ToArray(), state.RecvQueue.ToArray());
        }
        Assert.False(reader.IsFaulted, reader.Exception?.ToString());
        await stop.CancelAsync();
        try
        {
            await reader; // ends at the loop's check or in a receive, cancelled: never with a SocketException
        }
        catch (OperationCanceledException)
        {
        }

        static byte Pattern(int position) => (byte)(position % 251);
    }

    /// <summary>
    /// Why the origin freezes its socket only for the checkpoint's syscalls: while frozen, a socket fails every
    /// receive the application starts — the zero-byte "wait for data" receive (.NET peeks one byte: EINVAL) as
    /// well as a real one (EPERM) — and Kestrel's transport, which reads again after every flush, gives up on the
    /// connection (issue 7: a handover that then failed could no longer fall back, and the client was reset).
    /// </summary>
    [RootFact]
    public async Task Freeze_ApplicationReceives_FailUntilThawed()
    {
        TcpRepair.Freeze(_server.SafeHandle);

        var wait = await Assert.ThrowsAsync<SocketException>(async () => await _server.ReceiveAsync(Memory<byte>.Empty));
        var read = await Assert.ThrowsAsync<SocketException>(async () => await _server.ReceiveAsync(new byte[16].AsMemory()));

        Assert.Equal(SocketError.InvalidArgument, wait.SocketErrorCode);
        Assert.Equal(SocketError.AccessDenied, read.SocketErrorCode);
        TcpRepair.Thaw(_server.SafeHandle);
        _client.Send("abc"u8);
        Assert.Equal("abc"u8.ToArray(), _server.ReceiveExactly(3));
    }

    [RootFact]
    public void Checkpoint_NotFrozen_ThrowsEperm()
    {
        var error = Assert.Throws<LinuxSocketException>(() => TcpRepair.Checkpoint(_server.SafeHandle));
        Assert.Equal(1, error.Errno);
        Assert.Equal("setsockopt(TCP_REPAIR_QUEUE, SEND)", error.Operation);
    }

    [RootFact]
    public void Checkpoint_HalfClosed_ThrowsInvalidOperation()
    {
        _client.Shutdown(SocketShutdown.Send);
        SocketExtensions.WaitUntil(() => TcpRepair.GetInfo(_server.SafeHandle).State == TcpSocketState.CloseWait, TimeSpan.FromSeconds(5), "CLOSE_WAIT");
        Assert.Throws<InvalidOperationException>(() => TcpRepair.Checkpoint(_server.SafeHandle));
    }

    [RootFact]
    public void Restore_AddressNotLocal_ThrowsBindError()
    {
        TcpRepair.Freeze(_server.SafeHandle);
        TcpRepairState state = TcpRepair.Checkpoint(_server.SafeHandle);
        var local = new IPEndPoint(IPAddress.Parse("198.18.250.1"), 80); // not configured in the namespace
        var error = Assert.Throws<LinuxSocketException>(() => _ns.Run(() => TcpRepair.Restore(state, local, (IPEndPoint)_client.LocalEndPoint!)));
        Assert.Equal(99, error.Errno); // EADDRNOTAVAIL, not an errno clobbered while formatting the message
        Assert.StartsWith("bind(", error.Operation);
    }

    [RootFact]
    public void Restore_FailsAfterConnect_ClosesSilently_ThenRetrySucceeds()
    {
        _client.Send("queued"u8);
        SocketExtensions.WaitUntil(() => TcpRepair.GetInq(_server.SafeHandle) == 6, TimeSpan.FromSeconds(5), "6 bytes queued");
        TcpRepair.Freeze(_server.SafeHandle);
        TcpRepairState state = TcpRepair.Checkpoint(_server.SafeHandle);
        var local = (IPEndPoint)_server.LocalEndPoint!;
        var remote = (IPEndPoint)_client.LocalEndPoint!;
        _server.Dispose(); // frozen: silent, frees the 4-tuple

        // tcp_repair_set_window() rejects max_window < snd_wnd: the failure comes after connect().
        TcpRepairWindow bad = state.Window;
        bad.max_window = 0;
        bad.snd_wnd = 1000;
        var error = Assert.Throws<LinuxSocketException>(() => _ns.Run(() => TcpRepair.Restore(state with { Window = bad }, local, remote)));
        Assert.Equal("setsockopt(TCP_REPAIR_WINDOW)", error.Operation);
        Assert.Equal(22, error.Errno);

        Thread.Sleep(100);
        Assert.Equal(TcpSocketState.Established, TcpRepair.GetInfo(_client.SafeHandle).State); // no RST, no FIN

        using Socket restored = _ns.Run(() => TcpRepair.Restore(state, local, remote));
        restored.ReceiveTimeout = 10_000;
        Assert.Equal("queued"u8.ToArray(), restored.ReceiveExactly(6));
        var reuse = new byte[4];
        restored.GetRawSocketOption(1 /* SOL_SOCKET */, 2 /* SO_REUSEADDR */, reuse);
        Assert.Equal(1, BitConverter.ToInt32(reuse)); // as a listener's connection has it: a restarted listener can bind
        restored.Send("reply"u8);
        Assert.Equal("reply"u8.ToArray(), _client.ReceiveExactly(5));
    }

    [RootFact]
    public void Restore_LargeSendQueue_PeerReceivesTheWholeStream()
    {
        byte[] data = RandomNumberGenerator.GetBytes(4 << 20);
        // A send buffer that holds every byte the client's (unread, so never autotuned) receive window leaves over:
        // left to autotuning, whether the queue passes 1 MiB depended on how the kernel grew it on a busy machine.
        const int SOL_SOCKET = 1, SO_SNDBUFFORCE = 32;
        _server.SetRawSocketOption(SOL_SOCKET, SO_SNDBUFFORCE, BitConverter.GetBytes(data.Length));
        _server.Blocking = false;
        int sent = 0;
        SocketExtensions.WaitUntil(() =>
        {
            sent += _server.Send(data, sent, data.Length - sent, SocketFlags.None, out SocketError e);
            return (e == SocketError.WouldBlock || sent == data.Length) && TcpRepair.GetOutq(_server.SafeHandle) > 1 << 20;
        }, TimeSpan.FromSeconds(5), "a send queue over 1 MiB (the client is not reading)");
        _server.Blocking = true;

        // As on a real origin: drop the flow both ways first, or the frozen socket keeps taking ACKs.
        var local = (IPEndPoint)_server.LocalEndPoint!;
        var flow = new FlowKey((IPEndPoint)_client.LocalEndPoint!, local);
        using NftFlowTable table = _ns.Run(() => new NftFlowTable(new NftFlowTableOptions { Vip = local.Address, Port = (ushort)local.Port, Buckets = 1 }));
        table.Install();
        table.AddHandedOut(flow);
        Thread.Sleep(50);
        TcpRepair.Freeze(_server.SafeHandle);
        TcpRepairState state = TcpRepair.Checkpoint(_server.SafeHandle);
        Assert.Equal(TcpRepair.GetOutq(_server.SafeHandle), state.SendQueue.Length);
        Assert.InRange(state.SendQueue.Length, 1 << 20, sent);
        Assert.Equal(data.AsSpan(sent - state.SendQueue.Length, state.SendQueue.Length).ToArray(), state.SendQueue.ToArray());
        _server.Dispose();
        table.RemoveHandedOut(flow);

        using Socket restored = _ns.Run(() => TcpRepair.Restore(state, local, (IPEndPoint)_client.LocalEndPoint!));
        Assert.Equal(SHA256.HashData(data.AsSpan(0, sent)), SHA256.HashData(_client.ReceiveExactly(sent)));
    }

    [RootFact]
    public void GetInfo_Established_ReportsOptionsAndCounters()
    {
        _client.Send(new byte[1000]);
        _server.ReceiveExactly(1000);
        TcpInfo info = TcpRepair.GetInfo(_server.SafeHandle);
        Assert.Equal(TcpSocketState.Established, info.State);
        Assert.Equal(TcpInfoOptions.Timestamps | TcpInfoOptions.Sack | TcpInfoOptions.WindowScale,
            info.Options & (TcpInfoOptions.Timestamps | TcpInfoOptions.Sack | TcpInfoOptions.WindowScale));
        Assert.Equal(1000ul, info.BytesReceived);
        Assert.InRange(info.RcvWscale, (byte)1, (byte)14);
        Assert.Equal(0, TcpRepair.GetOutq(_server.SafeHandle));
    }

    [RootFact]
    public void TryGetSavedSyn_ReturnsTheClientsSynOnce()
    {
        byte[]? syn = TcpRepair.TryGetSavedSyn(_server.SafeHandle);
        Assert.NotNull(syn);
        Assert.Equal(0x45, syn[0]); // IPv4, 20-byte header
        Assert.Equal(6, syn[9]); // TCP
        int ihl = (syn[0] & 0xF) * 4;
        Assert.Equal(((IPEndPoint)_client.LocalEndPoint!).Port, (syn[ihl] << 8) | syn[ihl + 1]);
        Assert.Equal(0x02, syn[ihl + 13] & 0x12); // SYN without ACK
        Assert.Null(TcpRepair.TryGetSavedSyn(_server.SafeHandle));
    }

    [RootFact]
    public void Duplicate_RefersToTheSameConnection()
    {
        using var dup = TcpRepair.Duplicate(_server.SafeHandle);
        _client.Send("xyz"u8);
        SocketExtensions.WaitUntil(() => TcpRepair.GetInq(dup) == 3, TimeSpan.FromSeconds(5), "3 bytes via the duplicate");
        Assert.Equal(3, TcpRepair.GetInq(_server.SafeHandle));
        Assert.NotEqual(_server.SafeHandle.DangerousGetHandle(), dup.DangerousGetHandle());
    }

    [RootFact]
    public void Duplicate_Closed_TheConnectionStillEndsWithAFin()
    {
        // The origin closes its duplicate after every handover attempt; a failed one leaves the connection to
        // Kestrel, whose close must stay orderly: no SO_LINGER {1, 0} left behind (that would be an RST and the
        // loss of whatever was still unsent, seen as truncated proxied responses).
        TcpRepair.Duplicate(_server.SafeHandle).Dispose();
        var linger = new byte[8];
        _server.GetRawSocketOption(1 /* SOL_SOCKET */, 13 /* SO_LINGER */, linger);
        byte[] data = RandomNumberGenerator.GetBytes(1 << 20);
        _server.Send(data);
        _server.Close();

        Assert.Equal(0, BitConverter.ToInt32(linger, 0)); // l_onoff
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(_client.ReceiveExactly(data.Length)));
        Assert.Equal(0, _client.Receive(new byte[1])); // FIN, not ECONNRESET
    }
}
