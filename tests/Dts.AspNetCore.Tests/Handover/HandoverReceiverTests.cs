using System.Diagnostics.Metrics;
using Dts.AspNetCore.Connections;
using Dts.AspNetCore.Control;
using Dts.AspNetCore.Flow;
using Dts.AspNetCore.Handover;
using Dts.AspNetCore.Telemetry;
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
    private readonly ConnectionAdopter _adopter = new(NullLoggerFactory.Instance);

    public HandoverReceiverTests()
    {
        var options = Options.Create(new DtsOptions { NodeId = "n3", Vip = "198.18.0.100" });
        _receiver = new HandoverReceiver(
            options, new FlowOwnership(options, TimeProvider.System), _adopter,
            new DtsTelemetry(_meters.GetRequiredService<IMeterFactory>(), options),
            TimeProvider.System, NullLogger<HandoverReceiver>.Instance);
    }

    [Fact]
    public async Task ApplyAsync_SameIdTwice_AnswersTheFirstReplyAgain()
    {
        var request = Request("a1", mechanism: "Splice");

        var first = await _receiver.ApplyAsync(request);
        var second = await _receiver.ApplyAsync(Request("a1", mechanism: "Repair"));

        Assert.False(first.Accepted);
        Assert.Contains("mechanism Splice", first.Reason);
        // The second delivery is not evaluated again: same id, same answer.
        Assert.Same(first, second);
    }

    [Fact]
    public async Task CancelAsync_BeforeApply_RefusesTheLaterApply()
    {
        var cancel = await _receiver.CancelAsync(new CancelRequest { HandoverId = "c1" });
        var apply = await _receiver.ApplyAsync(Request("c1", mechanism: "Repair"));

        Assert.False(cancel.WasApplied);
        Assert.False(apply.Accepted);
        Assert.Equal("cancelled", apply.Reason);
    }

    [Fact]
    public async Task CancelAsync_AfterARefusedApply_ReportsNotApplied()
    {
        await _receiver.ApplyAsync(Request("r1", mechanism: "Repair")); // refused: no VIP listener bound

        var cancel = await _receiver.CancelAsync(new CancelRequest { HandoverId = "r1" });

        Assert.False(cancel.WasApplied);
    }

    private static HandoverRequest Request(string id, string mechanism) => new()
    {
        HandoverId = id,
        OriginNode = "n1",
        Mechanism = mechanism,
        ClientAddress = Google.Protobuf.ByteString.CopyFrom([198, 19, 0, 2]),
        ClientPort = 40000,
        LocalAddress = Google.Protobuf.ByteString.CopyFrom([198, 18, 0, 100]),
        LocalPort = 80,
        Repair = new RepairState(),
    };

    public void Dispose()
    {
        _adopter.Dispose();
        _meters.Dispose();
    }
}
