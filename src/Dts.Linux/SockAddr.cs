using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Dts.Linux;

/// <summary>bind(2)/connect(2) with an <see cref="IPEndPoint"/> converted to <c>sockaddr_in</c>/<c>sockaddr_in6</c>.</summary>
internal static unsafe class SockAddr
{
    /// <summary>The AF_* value for the endpoint's family.</summary>
    internal static int FamilyOf(IPEndPoint endPoint) => endPoint.AddressFamily switch
    {
        AddressFamily.InterNetwork => Interop.Libc.AF_INET,
        AddressFamily.InterNetworkV6 => Interop.Libc.AF_INET6,
        _ => throw new ArgumentException($"Unsupported address family {endPoint.AddressFamily}.", nameof(endPoint)),
    };

    internal static int Bind(SafeHandle fd, IPEndPoint endPoint) => Call(fd, endPoint, connect: false);

    internal static int Connect(SafeHandle fd, IPEndPoint endPoint) => Call(fd, endPoint, connect: true);

    private static int Call(SafeHandle fd, IPEndPoint endPoint, bool connect)
    {
        ushort port = (ushort)IPAddress.HostToNetworkOrder((short)endPoint.Port);
        if (endPoint.AddressFamily == AddressFamily.InterNetwork)
        {
            Interop.Libc.sockaddr_in sa = default;
            sa.sin_family = (ushort)Interop.Libc.AF_INET;
            sa.sin_port = port;
            endPoint.Address.TryWriteBytes(new Span<byte>(&sa.sin_addr, 4), out _);
            uint len = (uint)sizeof(Interop.Libc.sockaddr_in);
            return connect ? Interop.Libc.connect(fd, &sa, len) : Interop.Libc.bind(fd, &sa, len);
        }
        else
        {
            Interop.Libc.sockaddr_in6 sa = default;
            sa.sin6_family = (ushort)Interop.Libc.AF_INET6;
            sa.sin6_port = port;
            endPoint.Address.TryWriteBytes(new Span<byte>(sa.sin6_addr, 16), out _);
            sa.sin6_scope_id = (uint)endPoint.Address.ScopeId;
            uint len = (uint)sizeof(Interop.Libc.sockaddr_in6);
            return connect ? Interop.Libc.connect(fd, &sa, len) : Interop.Libc.bind(fd, &sa, len);
        }
    }
}
