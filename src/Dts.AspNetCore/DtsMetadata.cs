namespace Dts.AspNetCore;

/// <summary>The metadata keys DTS reads from YARP's <c>ReverseProxy</c> configuration.</summary>
public static class DtsMetadata
{
    /// <summary>On a destination: the id of the DTS node it is (<c>"Dts.Node": "n2"</c>).</summary>
    public const string Node = "Dts.Node";

    /// <summary>On a route: <c>Proxy</c> (default), <c>Local</c> or <c>Reject</c>; see <see cref="DtsFallbackMode"/>.</summary>
    public const string Fallback = "Dts.Fallback";

    /// <summary>On a route: <c>false</c> forwards every connection that dispatches to it with YARP's forwarder instead of handing it over (default <c>true</c>).</summary>
    public const string Handover = "Dts.Handover";
}
