using Dts.Core.Tcp;

namespace Dts.AspNetCore.Handover;

/// <summary>What the origin captured of a frozen connection, for the target's mechanism to apply.</summary>
/// <param name="Tcp">
/// The origin socket's <c>TCP_REPAIR</c> checkpoint (every mechanism): sequence numbers, negotiated options,
/// TS clock, window, and in <see cref="TcpRepairState.RecvQueue"/> the whole unconsumed byte stream (the bytes
/// Kestrel had read, then the kernel's receive queue).
/// </param>
/// <param name="SavedSyn">
/// The client's SYN as the origin's listener saved it (IPv4 + TCP header, <c>TCP_SAVED_SYN</c>), for a
/// mechanism that replays the handshake; empty for one that does not.
/// </param>
internal sealed record HandoverState(TcpRepairState Tcp, ReadOnlyMemory<byte> SavedSyn);
