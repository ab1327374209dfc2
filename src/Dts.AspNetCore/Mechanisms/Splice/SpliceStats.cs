using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Dts.Core.Splice;
using Dts.Core.Telemetry;
using Dts.Linux.Netfilter;

namespace Dts.AspNetCore.Mechanisms.Splice;

/// <summary>The Splice packet path's counters: its instruments on the <c>Dts</c> meter, and its part of <c>/dts/stats</c>.</summary>
internal static class SpliceStats
{
    /// <summary>Adds <c>dts.splice.flows</c>, <c>.packets</c>, <c>.dropped</c> and <c>.enobufs</c> (observable) to the <c>Dts</c> meter.</summary>
    [SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "IMeterFactory owns the Meter it creates and disposes it with the service provider.")]
    public static void CreateInstruments(IMeterFactory meters, SpliceFlows flows, NfQueue queue)
    {
        var meter = meters.Create("Dts");
        meter.CreateObservableGauge("dts.splice.flows", () => flows.Count, "{flow}", "Spliced flows whose translator state is live.");
        meter.CreateObservableCounter("dts.splice.packets", () => queue.Packets, "{packet}", "Packets the Splice NFQUEUE received.");
        meter.CreateObservableCounter("dts.splice.dropped", () => queue.Dropped, "{packet}", "Packets the Splice NFQUEUE dropped (handshake in progress, unknown flow, malformed).");
        meter.CreateObservableCounter("dts.splice.enobufs", () => queue.NoBufferErrors, "{error}", "ENOBUFS on the NFQUEUE socket: the kernel dropped packets because the queue reader fell behind.");
    }

    /// <summary>The counters for <c>/dts/stats</c>; the queue's are zeros when <paramref name="queue"/> is null (not running).</summary>
    public static DtsSpliceStats Snapshot(SpliceFlows flows, NfQueue? queue) => new(
        flows.Count, SpliceFlowState.ApproximateSizeBytes, queue?.Packets ?? 0, queue?.Modified ?? 0, queue?.Dropped ?? 0,
        queue?.NoBufferErrors ?? 0, queue?.VerdictErrors ?? 0, queue?.HandlerErrors ?? 0);
}
