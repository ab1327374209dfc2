namespace Dts.AspNetCore;

/// <summary>
/// What the origin does with a request when the handover is impossible. Set per YARP route through
/// <c>Metadata["Dts.Fallback"]</c>.
/// </summary>
public enum DtsFallbackMode
{
    /// <summary>Forward the request to the target's unicast address with YARP's forwarder (default).</summary>
    Proxy,

    /// <summary>Serve the request on the origin itself.</summary>
    Local,

    /// <summary>Answer 503 Service Unavailable.</summary>
    Reject,
}
