namespace Dts.AspNetCore.Management;

/// <summary>
/// Set on every connection Kestrel accepts on the management endpoint (this node's unicast address on
/// <c>Dts:ManagementPort</c>; <c>AddDts()</c> adds the listener and the connection middleware that sets it), and on no
/// other: the socket decides, not the <c>Host</c> header a client chooses (which is all <c>RequireHost</c> looks at).
/// Requests see it through <c>HttpContext.Features</c>.
/// </summary>
internal sealed class DtsManagementConnectionFeature
{
    public static DtsManagementConnectionFeature Instance { get; } = new();
}
