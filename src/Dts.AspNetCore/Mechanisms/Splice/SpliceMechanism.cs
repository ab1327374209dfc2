using System.Net.Sockets;
using Dts.AspNetCore.Connections;
using Dts.AspNetCore.Handover;
using Dts.Core.Handover;
using Dts.Core.Telemetry;
using Dts.Core.Tcp;
using Dts.Linux.Tcp;

namespace Dts.AspNetCore.Mechanisms.Splice;

/// <summary>
/// <see cref="HandoverMechanism.Splice"/>, the paper's DTS (ARCHITECTURE §3, "Target, Splice"): the origin keeps
/// the client's SYN (its VIP listener saves it, <c>TCP_SAVE_SYN</c>) and ships it with its checkpoint; the target
/// replays it into its own stack and translates every packet of the flow between the two numberings
/// (<see cref="SpliceReceiver"/>, <see cref="SpliceEngine"/>). The connection enters Kestrel through the VIP
/// listener's ordinary accept.
/// </summary>
internal sealed class SpliceMechanism(SpliceReceiver receiver, SpliceEngine engine) : IHandoverMechanism
{
    public HandoverMechanism Kind => HandoverMechanism.Splice;

    /// <summary>Reads the client's SYN (IPv4 + TCP header, a <c>byte[]</c>) while the kernel still has it: once, at accept.</summary>
    public object? OnAccepted(Socket socket) => TcpRepair.TryGetSavedSyn(socket.SafeHandle);

    public string? CheckEligible(DtsConnectionFeature connection) =>
        connection.MechanismState is byte[] ? null : "no saved SYN (TCP_SAVE_SYN) for the connection";

    public HandoverState Capture(DtsConnectionFeature connection, TcpRepairState checkpoint) =>
        new(checkpoint, (byte[])connection.MechanismState!);

    public async Task<HandoverApplyResult> ApplyAsync(HandoverOffer offer, HandoverCommitPoint commit)
    {
        // The synthetic handshake's steps are the phases; the kernel's listener does the adopting.
        var (accepted, reason, phases) = await receiver.ApplyAsync(offer, commit).ConfigureAwait(false);
        return accepted ? new HandoverApplyResult(true, "", phases) : HandoverApplyResult.Refused(reason);
    }

    public DtsStats AddStats(DtsStats stats) => stats with { Splice = engine.Snapshot() };
}
