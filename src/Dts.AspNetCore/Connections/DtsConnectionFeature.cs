using System.Net.Sockets;
using Dts.AspNetCore.Dispatch;
using Dts.Core.Tcp;

namespace Dts.AspNetCore.Connections;

/// <summary>
/// Per-connection DTS state on a connection to the VIP: what was recorded, whether it was dispatched,
/// and the sticky decision that every later request on the connection follows.
/// </summary>
internal sealed class DtsConnectionFeature : IDtsHandoverFeature
{
    public required FlowKey Flow { get; init; }

    public Socket? Socket { get; init; }

    public DtsDuplexPipe? Pipe { get; init; }

    /// <summary>What the VIP listener read of the socket at accept, for a checkpoint without repair mode; null when it could not.</summary>
    public Dts.Linux.Tcp.TcpCheckpointAnchor? Anchor { get; init; }

    /// <summary>
    /// What the handover mechanism kept of the connection when the VIP listener accepted it
    /// (<c>IHandoverMechanism.OnAccepted</c>, its own type); null on a connection that arrived by handover.
    /// </summary>
    public object? MechanismState { get; init; }

    public bool ArrivedByHandover { get; init; }

    public string? OriginNodeId { get; init; }

    public string? HandoverId { get; init; }

    /// <summary>Set once the first request was dispatched; later requests follow it.</summary>
    public DispatchDecision? Decision { get; set; }

    /// <summary>True once the connection was handed over: the origin must not touch it again.</summary>
    public bool HandedOut { get; set; }
}
