using System.Net.Sockets;
using Dts.AspNetCore.Connections;
using Dts.AspNetCore.Flow;
using Dts.AspNetCore.Handover;
using Dts.AspNetCore.Telemetry;
using Dts.Core.Handover;
using Dts.Core.Telemetry;
using Dts.Core.Tcp;
using Dts.Linux.Tcp;

namespace Dts.AspNetCore.Mechanisms.Repair;

/// <summary>
/// <see cref="HandoverMechanism.Repair"/> (ARCHITECTURE §3, "Target, Repair"): the target restores a socket
/// identical to the origin's checkpoint with <c>TCP_REPAIR</c> and adopts it into Kestrel. The origin needs
/// nothing beyond the generic checkpoint. After the handover the kernel path is that of a direct connection.
/// </summary>
internal sealed class RepairMechanism(FlowOwnership flows, HandoverArrivals arrivals, TimeProvider time) : IHandoverMechanism
{
    /// <summary>How far ahead (ms ticks) a restored socket's TS clock starts.</summary>
    private const uint TsMarginMs = 10;

    public HandoverMechanism Kind => HandoverMechanism.Repair;

    public object? OnAccepted(Socket socket) => null;

    public string? CheckEligible(DtsConnectionFeature connection) => null;

    public HandoverState Capture(DtsConnectionFeature connection, TcpRepairState checkpoint) => new(checkpoint, ReadOnlyMemory<byte>.Empty);

    /// <summary>
    /// Restores the socket (still in repair mode: nothing is sent), takes the commit point, then adopts the
    /// socket into Kestrel, whose first write leaves repair mode behind (the restored socket owns the flow in nft).
    /// A failure after the restore closes the socket without a sound and gives the flow back.
    /// </summary>
    public Task<HandoverApplyResult> ApplyAsync(HandoverOffer offer, HandoverCommitPoint commit)
    {
        var phases = new HandoverPhases();
        var mark = time.GetTimestamp();
        var flow = offer.Flow;
        // The TS clock is restored a little ahead: the kernel stamps segments from a cached clock that can be a
        // tick behind the one TCP_TIMESTAMP read, and a TSval one tick older than the origin's last one would be
        // dropped by the client's PAWS check (RFC 7323 §5). A forward jump is harmless.
        var checkpoint = offer.State.Tcp;
        var state = checkpoint with { TsVal = checkpoint.TsVal + TsMarginMs };
        Socket socket;
        try
        {
            // The restored socket owns the flow (nft `socket`); only a handed_out an earlier connection on this client
            // port left here could stand in its way.
            flows.PrepareHandedIn(flow);
            phases.Lap("flowtable", ref mark, time);
            socket = TcpRepair.Restore(state, flow.Local, flow.Client);
        }
        catch (Exception ex)
        {
            return Task.FromResult(HandoverApplyResult.Refused("restore failed: " + ex.Message));
        }
        phases.Lap("restore", ref mark, time);

        try
        {
            if (!commit.TryCommit())
            {
                throw new InvalidOperationException("cancelled by the origin, or too late to commit");
            }
            phases.Lap("commit", ref mark, time);
            if (!arrivals.TryAdopt(socket, new AdoptedConnectionInfo(offer.OriginNode, offer.HandoverId)))
            {
                throw new InvalidOperationException("Kestrel did not take the connection");
            }
        }
        catch (Exception ex)
        {
            // Close without a sound (back into repair mode first) and give the flow back to the origin.
            TcpRepair.Freeze(socket.SafeHandle);
            socket.Dispose();
            return Task.FromResult(HandoverApplyResult.Refused(ex.Message));
        }
        phases.Lap("adopt", ref mark, time);
        return Task.FromResult(new HandoverApplyResult(true, "", phases));
    }

    public DtsStats AddStats(DtsStats stats) => stats;
}
