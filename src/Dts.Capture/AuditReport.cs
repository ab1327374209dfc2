namespace Dts.Capture;

/// <summary>The result of <see cref="CaptureAudit.Run(string, AuditOptions?)"/>: every TCP flow of the capture and its violations.</summary>
public sealed class AuditReport
{
    internal AuditReport(string file, int packets, IReadOnlyList<FlowReport> flows)
    {
        File = file;
        Packets = packets;
        Flows = flows;
        Violations = [.. flows.SelectMany(f => f.Violations).OrderBy(v => v.PacketNumber)];
    }

    /// <summary>The capture file read.</summary>
    public string File { get; }

    /// <summary>Packets in the file (TCP over IPv4 or not).</summary>
    public int Packets { get; }

    /// <summary>The TCP flows, in the order of their first packet.</summary>
    public IReadOnlyList<FlowReport> Flows { get; }

    /// <summary>Every violation, in packet order.</summary>
    public IReadOnlyList<AuditViolation> Violations { get; }

    /// <summary>True when no flow has a violation.</summary>
    public bool Clean => Violations.Count == 0;
}
