namespace Dts.AspNetCore.Dispatch;

/// <summary>
/// What YARP decided for a connection's first request: the route that matched and the destination its
/// load-balancing policy picked.
/// </summary>
/// <param name="RouteId">The YARP route id.</param>
/// <param name="ClusterId">The YARP cluster id.</param>
/// <param name="NodeId">The DTS node named by the destination's <c>Dts.Node</c> metadata, or null for a destination outside the cluster.</param>
/// <param name="DestinationAddress">The destination's address (the node's unicast URL), used by the proxy fallback.</param>
/// <param name="Fallback">The route's <c>Dts.Fallback</c> metadata.</param>
/// <param name="HandoverAllowed">The route's <c>Dts.Handover</c> metadata (default true); false means always proxy.</param>
internal sealed record DispatchDecision(
    string RouteId, string ClusterId, string? NodeId, string DestinationAddress, DtsFallbackMode Fallback, bool HandoverAllowed = true)
{
    /// <summary>Set when the decision is to proxy every request of the connection (handover impossible).</summary>
    public bool Proxied { get; init; }

    /// <summary>Set when the decision is to reject every request of the connection.</summary>
    public bool Rejected { get; init; }
}
