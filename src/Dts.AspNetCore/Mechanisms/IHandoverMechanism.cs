using System.Net.Sockets;
using Dts.AspNetCore.Connections;
using Dts.AspNetCore.Handover;
using Dts.Core.Handover;
using Dts.Core.Telemetry;
using Dts.Core.Tcp;

namespace Dts.AspNetCore.Mechanisms;

/// <summary>
/// How a connection moves from the origin to the target (ARCHITECTURE §1): the one seam between the generic
/// handover code (<see cref="HandoverCoordinator"/> on the origin, <see cref="HandoverReceiver"/> on the
/// target, the connection middleware, the flow table) and a mechanism's folder (<c>Mechanisms/Repair</c>,
/// <c>Mechanisms/Splice</c>). A node runs the one mechanism <c>Dts:Mechanism</c> names; adding a mechanism
/// is a folder implementing this plus one registration line in <c>AddDts()</c>.
/// </summary>
/// <remarks>
/// <para>What the generic code does for every mechanism: on the origin, it adds the flow to nft
/// <c>handed_out</c> (nothing of the flow enters or leaves the origin's stack from then on), checkpoints the socket
/// in a freeze (<c>TCP_REPAIR</c>) no longer than the checkpoint itself, collects the unconsumed byte stream, ships
/// the offer, and on the target's OK silences Kestrel's output and freezes the socket again so that its close
/// sends nothing (on any failure it removes the <c>handed_out</c> element and the connection goes on here). On the target, it applies each handover id at most once, answers duplicates
/// and cancels, and records telemetry.</para>
/// <para>What the mechanism adds to the flow table, on the target only: nothing to own the flow (its restored or
/// accepted socket does, nft <c>socket</c>), only <see cref="Flow.FlowOwnership.PrepareHandedIn"/> before the flow's
/// first packet. A mechanism with a packet path in user space also marks the flow
/// (<see cref="Flow.FlowOwnership.AddMarked"/>), with the mark its registration sets in
/// <see cref="Flow.FlowMarkOptions"/>.</para>
/// </remarks>
internal interface IHandoverMechanism
{
    /// <summary>Which mechanism this is: the value of <c>Dts:Mechanism</c>, on the wire and in telemetry tags.</summary>
    HandoverMechanism Kind { get; }

    /// <summary>
    /// Origin, when the VIP listener accepted a connection (not one that arrived by handover): what the
    /// mechanism must keep of it for a later handover, read now because it can't be read later (Splice: the
    /// client's saved SYN). Stored on <see cref="DtsConnectionFeature.MechanismState"/>; null when nothing.
    /// </summary>
    object? OnAccepted(Socket socket);

    /// <summary>
    /// Origin, after the generic checks (TLS, HTTP version, recording limit, nothing sent, ESTABLISHED) passed:
    /// why this mechanism can't hand <paramref name="connection"/> over, or null when it can. Nothing is frozen yet.
    /// </summary>
    string? CheckEligible(DtsConnectionFeature connection);

    /// <summary>
    /// Origin, right after the checkpoint: the state the target needs, from the checkpoint (whose receive queue
    /// already holds the whole unconsumed stream) and what <see cref="OnAccepted"/> kept.
    /// </summary>
    HandoverState Capture(DtsConnectionFeature connection, TcpRepairState checkpoint);

    /// <summary>
    /// Target: installs the connection, takes <paramref name="commit"/> right before the step that lets the
    /// connection speak to the client (a cancelled or late handover must never get there), and rolls back
    /// everything it did when it fails or can't take the commit point, so that nothing of the flow reaches the
    /// client from this node and the origin can keep the connection. Expected refusals come back in the result
    /// (accepted = false, with the reason); an exception counts as a refusal too.
    /// </summary>
    /// <param name="offer">The origin's offer; <see cref="HandoverOffer.Mechanism"/> is this mechanism's.</param>
    /// <param name="commit">The handover id's commit point (the origin may cancel it at any time).</param>
    /// <remarks>The installed connection enters Kestrel through <see cref="HandoverArrivals"/>, carrying its handover info.</remarks>
    Task<HandoverApplyResult> ApplyAsync(HandoverOffer offer, HandoverCommitPoint commit);

    /// <summary>The mechanism's own counters added to the node's <c>/dts/stats</c> (unchanged when it has none).</summary>
    DtsStats AddStats(DtsStats stats);
}
