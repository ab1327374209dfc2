namespace Dts.AspNetCore.Dispatch;

/// <summary>
/// What YARP decided for a connection's first request: the route that matched and the destination its
/// load-balancing policy picked.
/// </summary>
/// <param name="RouteId">The YARP route id.</param>
/// <param name="ClusterId">The YARP cluster id.</param>
/// <param name="NodeId">The DTS node named by the destination's <c>Dts.Node</c> metadata, or null for a destination outside the cluster.</param>
/// <param name="DestinationAddress">
/// The destination's address (the node's unicast URL), used by the proxy fallback; when <see cref="NoDestination"/>,
/// the address of the cluster's first destination (one that is down), or empty for a cluster without destinations.
/// </param>
/// <param name="Fallback">The route's <c>Dts.Fallback</c> metadata.</param>
/// <param name="HandoverAllowed">The route's <c>Dts.Handover</c> metadata (default true); false means always proxy.</param>
internal sealed record DispatchDecision(
    string RouteId, string ClusterId, string? NodeId, string DestinationAddress, DtsFallbackMode Fallback, bool HandoverAllowed = true)
{
    /// <summary>Set when the decision is to proxy every request of the connection (handover impossible).</summary>
    public bool Proxied { get; init; }

    /// <summary>Set when the decision is to reject every request of the connection.</summary>
    public bool Rejected { get; init; }

    /// <summary>
    /// Set when the route matched but none of its cluster's destinations is available (their nodes are not live
    /// members, or YARP's health checks took them out): <see cref="NodeId"/> and <see cref="DestinationAddress"/> then
    /// name an unavailable destination, and the route's <see cref="Fallback"/> answers at once.
    /// </summary>
    public bool NoDestination { get; init; }
}
