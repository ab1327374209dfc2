using System.Diagnostics.Metrics;
using System.Net;
using Dts.AspNetCore.Telemetry;
using Dts.Core.Handover;
using Dts.Core.Tcp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Tests.Telemetry;

/// <summary><c>dts.handovers</c> carries the mechanism that ran, in both directions and on failures.</summary>
public sealed class DtsTelemetryTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    [Fact]
    public void Handovers_TaggedWithTheMechanismThatRan()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        var telemetry = new DtsTelemetry(factory, Options.Create(new DtsOptions { NodeId = "n1" }));
        var seen = new List<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == "dts.handovers")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(kv => kv.Key, kv => kv.Value as string);
            seen.Add($"{t["direction"]}/{t["result"]}/{t["mechanism"]}");
        });
        listener.Start();

        telemetry.HandoverCompleted(HandoverMechanism.Splice, default, TimeSpan.Zero);
        telemetry.HandoverReceived(HandoverMechanism.Splice, default, TimeSpan.Zero);
        telemetry.HandoverFailed(HandoverMechanism.Repair, Flow(40000), "n2", "refused");

        Assert.Equal(["out/ok/Splice", "in/ok/Splice", "out/failed/Repair"], seen);
    }

    [Fact]
    public void Snapshot_PhasesInHandoverOrderAndCoverageIsTheirShareOfTheWallTime()
    {
        var telemetry = new DtsTelemetry(_services.GetRequiredService<IMeterFactory>(), Options.Create(new DtsOptions { NodeId = "n1" }));
        var origin = new HandoverPhases();
        origin.Add("network", TimeSpan.FromMicroseconds(300));
        origin.Add("nft", TimeSpan.FromMicroseconds(100));
        var target = new HandoverPhases();
        target.Add("restore", TimeSpan.FromMicroseconds(200));
        target.Add("receive", TimeSpan.FromMicroseconds(50));

        telemetry.HandoverCompleted(HandoverMechanism.Repair, origin, TimeSpan.FromMicroseconds(500));
        telemetry.HandoverReceived(HandoverMechanism.Repair, target, TimeSpan.FromMicroseconds(250));
        var stats = telemetry.Snapshot();

        var known = Dts.Core.Telemetry.DtsPhaseNames.All;
        var names = stats.Phases.Keys.ToList();
        Assert.Equal(names.OrderBy(n => known.ToList().IndexOf(n)), names);
        Assert.Equal(300, stats.Phases["network"].P50Us, 3);
        Assert.Equal((100.0 + 300) / 500, stats.PhaseCoverage!["origin"], 3);
        Assert.Equal(1.0, stats.PhaseCoverage["target"], 3);
    }

    [Fact]
    public void HandoverPhases_HoldsItsCapacityAndSumsWhatItHolds()
    {
        var phases = new HandoverPhases();
        for (var i = 0; i < HandoverPhases.Capacity + 3; i++)
        {
            phases.Add($"p{i}", TimeSpan.FromMicroseconds(i + 1));
        }

        Assert.Equal(HandoverPhases.Capacity, phases.Count);
        Assert.Equal(("p0", TimeSpan.FromMicroseconds(1)), phases[0]);
        Assert.Equal(TimeSpan.FromMicroseconds(Enumerable.Range(1, HandoverPhases.Capacity).Sum()), phases.Sum);
        Assert.Throws<ArgumentOutOfRangeException>(() => phases[HandoverPhases.Capacity]);
    }

    [Fact]
    public void Snapshot_RecentFailures_TheLastTwentyNewestFirstWithFlowTargetAndReason()
    {
        var telemetry = new DtsTelemetry(_services.GetRequiredService<IMeterFactory>(), Options.Create(new DtsOptions { NodeId = "n1" }));
        var before = TimeProvider.System.GetUtcNow();
        var failures = Dts.Core.Telemetry.DtsStats.RecentFailuresCapacity + 5;
        for (var i = 0; i < failures; i++)
        {
            telemetry.HandoverFailed(HandoverMechanism.Repair, Flow(40000 + i), $"n{2 + (i % 2)}", $"reason {i}");
        }
        var after = TimeProvider.System.GetUtcNow();

        var stats = telemetry.Snapshot();

        Assert.Equal(failures, stats.HandoverFailures);
        Assert.Equal(Dts.Core.Telemetry.DtsStats.RecentFailuresCapacity, stats.RecentFailures.Count);
        var newest = stats.RecentFailures[0];
        Assert.Equal($"reason {failures - 1}", newest.Reason);
        Assert.Equal(Flow(40000 + failures - 1).ToString(), newest.Flow);
        Assert.Equal($"n{2 + ((failures - 1) % 2)}", newest.Target);
        Assert.InRange(newest.Time, before, after);
        Assert.Equal("reason 5", stats.RecentFailures[^1].Reason);
    }

    [Fact]
    public void Snapshot_ActiveFlows_OpenedMinusClosed()
    {
        var telemetry = new DtsTelemetry(_services.GetRequiredService<IMeterFactory>(), Options.Create(new DtsOptions { NodeId = "n1" }));

        telemetry.FlowOpened();
        telemetry.FlowOpened();
        telemetry.FlowOpened();
        telemetry.FlowClosed();

        Assert.Equal(2, telemetry.Snapshot().ActiveFlows);
        Assert.Empty(telemetry.Snapshot().RecentFailures);
    }

    private static FlowKey Flow(int clientPort) =>
        new(new IPEndPoint(IPAddress.Parse("10.0.0.2"), clientPort), new IPEndPoint(IPAddress.Parse("10.0.0.100"), 80));

    public void Dispose() => _services.Dispose();
}
