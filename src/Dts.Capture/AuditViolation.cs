using System.Globalization;

namespace Dts.Capture;

/// <summary>
/// One violation: the flow (<c>client-ip:port ↔ server-ip:port</c>), the packet's number in the capture file (1-based,
/// as Wireshark numbers them), what is wrong and the node that sent it (its MAC, or its name when known).
/// </summary>
public sealed record AuditViolation(string Flow, int PacketNumber, ViolationKind Kind, string Message)
{
    /// <summary>One line: <c>flow 10.0.0.2:40112 ↔ 10.0.0.100:80, packet 17: SecondSynAck: …</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"flow {Flow}, packet {PacketNumber}: {Kind}: {Message}");
}
