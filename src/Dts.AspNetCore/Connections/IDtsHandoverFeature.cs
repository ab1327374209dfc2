namespace Dts.AspNetCore;

/// <summary>
/// A Kestrel connection feature (on <c>HttpContext.Features</c> too) that tells the app how the
/// connection reached this node.
/// </summary>
public interface IDtsHandoverFeature
{
    /// <summary>True when another node accepted the connection and handed it over to this one.</summary>
    bool ArrivedByHandover { get; }

    /// <summary>The node that accepted the connection (the origin), or null when it is this node.</summary>
    string? OriginNodeId { get; }

    /// <summary>The id of the handover that brought the connection here, or null.</summary>
    string? HandoverId { get; }
}
