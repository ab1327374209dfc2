namespace Dts.Core.Handover;

/// <summary>How a connection is handed from the origin to the target (ARCHITECTURE §1).</summary>
public enum HandoverMechanism
{
    /// <summary>Linux TCP_REPAIR checkpoint on the origin and restore on the target.</summary>
    Repair,

    /// <summary>The paper's DTS: synthetic handshake on the target plus sequence translation in a packet filter.</summary>
    Splice,
}
