using Dts.Core.Tcp;

namespace Dts.Core.Packets;

/// <summary>
/// One SACK block (RFC 2018 §3): the received range [<paramref name="Left"/>, <paramref name="Right"/>)
/// in sequence space, host order. A D-SACK block (RFC 2883) has the same layout.
/// </summary>
/// <param name="Left">The first sequence number of the block.</param>
/// <param name="Right">The sequence number just after the last byte of the block.</param>
public readonly record struct SackBlock(SeqNum Left, SeqNum Right);
