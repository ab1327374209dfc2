using System.Diagnostics.Metrics;
using Dts.AspNetCore.Telemetry;
using Dts.Core.Handover;
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

        telemetry.HandoverCompleted(HandoverMechanism.Splice, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
        telemetry.HandoverReceived(HandoverMechanism.Splice, TimeSpan.Zero, TimeSpan.Zero);
        telemetry.HandoverFailed(HandoverMechanism.Repair, "refused");

        Assert.Equal(["out/ok/Splice", "in/ok/Splice", "out/failed/Repair"], seen);
    }

    public void Dispose() => _services.Dispose();
}
