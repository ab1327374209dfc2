using System.Net;
using Microsoft.AspNetCore.Http;

namespace Dts.AspNetCore.Management;

/// <summary>
/// The management endpoint: this node's unicast address on <c>Dts:ManagementPort</c>, where the operators' endpoints
/// live. A connection is on it when its local endpoint is exactly that address and port (Kestrel listens there and
/// nowhere else on that port), never when it came to the VIP or to <c>Dts:Port</c>. Decided by the socket, not by
/// the <c>Host</c> header a client chooses (which is all <c>RequireHost</c> looks at).
/// </summary>
internal sealed class DtsManagementEndpoint
{
    private readonly IPAddress? _address;
    private readonly int _port;

    public DtsManagementEndpoint(DtsOptions options)
    {
        _address = IPAddress.TryParse(options.Self?.Address, out var address) ? address : null;
        _port = options.ManagementPort;
    }

    /// <summary>Whether <paramref name="connection"/> was accepted on the management endpoint.</summary>
    public bool IsManagementConnection(ConnectionInfo connection) =>
        _address is not null && connection.LocalPort == _port && _address.Equals(connection.LocalIpAddress);
}
