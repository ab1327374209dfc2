using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Dts.Core.Tcp;
using Dts.Linux.Tcp;
using Dts.Linux.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Dts.Linux.Tests.Tcp;

/// <summary>Checkpoint in one network namespace, restore in another that owns the same server address.</summary>
public sealed class TcpRepairMigrationTests(ITestOutputHelper output)
{
    private const int Port = 8080;

    [RootFact]
    public void Restore_InOtherNamespace_ContinuesStreamBothWays()
    {
        using var net = new RepairTopology();
        using Socket listener1 = net.Listen(net.S1, Port);
        using Socket listener2 = net.Listen(net.S2, Port); // the target's own listener on VIP:port stays up
        using Socket client = net.Connect(Port);
        Socket origin = listener1.Accept();

        byte[] request = RandomNumberGenerator.GetBytes(1000);
        client.Send(request);
        byte[] readByApp = origin.ReceiveExactly(300);
        SocketExtensions.WaitUntil(() => TcpRepair.GetInq(origin.SafeHandle) == 700, TimeSpan.FromSeconds(5), "700 bytes queued at the origin");

        net.IsolateS1();
        byte[] unacked = RandomNumberGenerator.GetBytes(5000); // queued at the origin, never acknowledged
        origin.Send(unacked);

        TcpRepair.Freeze(origin.SafeHandle);
        TcpRepairState state = TcpRepair.Checkpoint(origin.SafeHandle);
        output.WriteLine($"checkpoint: snd {state.SendSeq} rcv {state.RecvSeq} mss {state.Mss} wscale {state.SndWscale}/{state.RcvWscale} sack {state.SackPermitted} ts {state.Timestamps} tsval {state.TsVal} wnd {state.Window.snd_wnd}/{state.Window.rcv_wnd}");
        Assert.Equal(request.AsSpan(300).ToArray(), state.RecvQueue.ToArray());
        Assert.Equal(unacked, state.SendQueue.ToArray());
        Assert.True(state.WindowScaling && state.SackPermitted && state.Timestamps, "Linux↔Linux negotiates wscale, SACK and TS");
        Assert.InRange(state.Mss, 536, 65495);
        origin.Dispose(); // silent: still in repair mode

        net.RouteToS2();
        var local = new IPEndPoint(RepairTopology.ServerAddress, Port);
        var remote = (IPEndPoint)client.LocalEndPoint!;
        TcpRepairState handed = state with { RecvQueue = readByApp.Concat(state.RecvQueue.ToArray()).ToArray() };
        using Socket target = net.S2.Run(() => TcpRepair.Restore(handed, local, remote));
        target.ReceiveTimeout = 15_000;

        Assert.Equal(request, target.ReceiveExactly(request.Length));
        Assert.Equal(0, TcpRepair.GetInq(target.SafeHandle));
        TcpInfo info = TcpRepair.GetInfo(target.SafeHandle);
        Assert.Equal(TcpSocketState.Established, info.State);
        Assert.Equal(state.SndWscale, info.SndWscale);
        Assert.Equal(state.RcvWscale, info.RcvWscale);

        byte[] response = RandomNumberGenerator.GetBytes(1 << 20);
        Task send = Task.Run(() => target.Send(response));
        Assert.Equal(unacked, client.ReceiveExactly(unacked.Length));
        Assert.Equal(SHA256.HashData(response), SHA256.HashData(client.ReceiveExactly(response.Length)));
        Assert.True(send.Wait(TimeSpan.FromSeconds(15)));

        byte[] more = RandomNumberGenerator.GetBytes(64 * 1024);
        client.Send(more);
        Assert.Equal(more, target.ReceiveExactly(more.Length));
    }

    [RootFact]
    public void Restore_LargeReceiveQueue_IsRefilledInChunks()
    {
        const int Size = 2 << 20;
        using var net = new RepairTopology();
        using Socket listener1 = net.Listen(net.S1, Port, receiveBuffer: 8 << 20);
        using Socket client = net.Connect(Port);
        Socket origin = listener1.Accept();

        byte[] upload = RandomNumberGenerator.GetBytes(Size);
        Task send = Task.Run(() => client.Send(upload));
        SocketExtensions.WaitUntil(() => TcpRepair.GetInq(origin.SafeHandle) == Size, TimeSpan.FromSeconds(10), "2 MiB queued at the origin");
        Assert.True(send.Wait(TimeSpan.FromSeconds(5)));

        net.IsolateS1();
        TcpRepair.Freeze(origin.SafeHandle);
        TcpRepairState state = TcpRepair.Checkpoint(origin.SafeHandle);
        Assert.Equal(Size, state.RecvQueue.Length);
        origin.Dispose();

        net.RouteToS2();
        var local = new IPEndPoint(RepairTopology.ServerAddress, Port);
        using Socket target = net.S2.Run(() => TcpRepair.Restore(state, local, (IPEndPoint)client.LocalEndPoint!));
        target.ReceiveTimeout = 15_000;
        Assert.Equal(SHA256.HashData(upload), SHA256.HashData(target.ReceiveExactly(Size)));

        byte[] reply = RandomNumberGenerator.GetBytes(64 * 1024);
        target.Send(reply);
        Assert.Equal(reply, client.ReceiveExactly(reply.Length));
        byte[] more = RandomNumberGenerator.GetBytes(4096);
        client.Send(more);
        Assert.Equal(more, target.ReceiveExactly(more.Length));
    }
}
