using System.Net;

namespace Dts.Core.Tcp;

/// <summary>
/// Identifies one TCP connection to the virtual IP by its 4-tuple, seen from the server side:
/// the client's address and port, and the local (VIP) address and port.
/// </summary>
/// <param name="Client">The remote peer (client address and port).</param>
/// <param name="Local">The local endpoint the client connected to (normally VIP:port).</param>
public sealed record FlowKey(IPEndPoint Client, IPEndPoint Local)
{
    /// <inheritdoc />
    public override string ToString() => $"{Client}->{Local}";
}
