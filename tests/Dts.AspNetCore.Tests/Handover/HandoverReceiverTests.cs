using System.Diagnostics.Metrics;
using System.Net;
using Dts.AspNetCore.Connections;
using Dts.AspNetCore.Flow;
using Dts.AspNetCore.Handover;
using Dts.AspNetCore.Mechanisms.Repair;
using Dts.AspNetCore.Telemetry;
using Dts.Core.Handover;
using Dts.Core.Tcp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Tests.Handover;

/// <summary>
/// The target applies a handover id at most once and never after it was cancelled. These requests are
/// refused before any socket is touched (wrong mechanism, or no VIP listener), so they run anywhere.
/// </summary>
public sealed class HandoverReceiverTests : IDisposable
{
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly HandoverReceiver _receiver;
    private readonly HandoverArrivals _arrivals = new(NullLoggerFactory.Instance);

    public HandoverReceiverTests()
    {
        var options = Options.Create(new DtsOptions { NodeId = "n3", Vip = "198.18.0.100" });
        var flows = new FlowOwnership(options, Options.Create(new FlowMarkOptions()), TimeProvider.System);
        _receiver = new HandoverReceiver(
            options, new RepairMechanism(flows, _arrivals, TimeProvider.System), _arrivals,
            new DtsTelemetry(_meters.GetRequiredService<IMeterFactory>(), options),
            TimeProvider.System, NullLogger<HandoverReceiver>.Instance);
    }

    [Fact]
    public async Task ApplyAsync_SameIdTwice_AnswersTheFirstReplyAgain()
    {
        var request = Offer("a1", HandoverMechanism.Splice);

        var first = await _receiver.ApplyAsync(request);
        var second = await _receiver.ApplyAsync(Offer("a1", HandoverMechanism.Repair));

        Assert.False(first.Accepted);
        Assert.Contains("mechanism Splice", first.Reason);
        // The second delivery is not evaluated again: same id, same answer.
        Assert.Same(first, second);
    }

    [Fact]
    public async Task CancelAsync_BeforeApply_RefusesTheLaterApply()
    {
        var cancel = await _receiver.CancelAsync("c1");
        var apply = await _receiver.ApplyAsync(Offer("c1", HandoverMechanism.Repair));

        Assert.False(cancel);
        Assert.False(apply.Accepted);
        Assert.Equal("cancelled", apply.Reason);
    }

    [Fact]
    public async Task CancelAsync_AfterARefusedApply_ReportsNotApplied()
    {
        var apply = await _receiver.ApplyAsync(Offer("r1", HandoverMechanism.Repair)); // refused: no VIP listener bound

        var cancel = await _receiver.CancelAsync("r1");

        Assert.Equal("the VIP listener is not bound", apply.Reason);
        Assert.False(cancel);
    }

    private static HandoverOffer Offer(string id, HandoverMechanism mechanism) => new(
        id,
        "n1",
        mechanism,
        new FlowKey(new IPEndPoint(new IPAddress([198, 19, 0, 2]), 40000), new IPEndPoint(new IPAddress([198, 18, 0, 100]), 80)),
        new HandoverState(new TcpRepairState
        {
            SendSeq = default, RecvSeq = default, SendQueue = default, RecvQueue = default,
            Mss = 1460, SndWscale = 0, RcvWscale = 0, WindowScaling = false, SackPermitted = false, Timestamps = false, TsVal = 0,
            Window = default,
        }, default));

    public void Dispose()
    {
        _arrivals.Dispose();
        _meters.Dispose();
    }
}
