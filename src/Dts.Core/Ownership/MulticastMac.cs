using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Dts.Core.Ownership;

/// <summary>
/// The Ethernet address a VIP resolves to so that the switch floods its frames to every node: the IPv4 multicast
/// MAC, <c>01:00:5e</c> followed by the low 23 bits of the address (RFC 1112 §6.4). Nodes answer ARP for the VIP
/// with it and join it on their uplink.
/// </summary>
public static class MulticastMac
{
    /// <summary>The multicast MAC for <paramref name="ipv4"/>.</summary>
    /// <exception cref="ArgumentException">Not an IPv4 address.</exception>
    public static PhysicalAddress For(IPAddress ipv4)
    {
        ArgumentNullException.ThrowIfNull(ipv4);
        if (ipv4.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException("Multicast MACs are derived from IPv4 addresses.", nameof(ipv4));
        }

        Span<byte> a = stackalloc byte[4];
        ipv4.TryWriteBytes(a, out _);
        return new PhysicalAddress([0x01, 0x00, 0x5e, (byte)(a[1] & 0x7f), a[2], a[3]]);
    }

    /// <summary>
    /// <paramref name="mac"/> as <c>ip(8)</c> and nft write it: lowercase hex bytes separated by colons
    /// (<c>01:00:5e:12:00:64</c>; <see cref="PhysicalAddress.ToString"/> has no separators).
    /// </summary>
    public static string ToText(PhysicalAddress mac)
    {
        ArgumentNullException.ThrowIfNull(mac);
        return string.Join(':', mac.GetAddressBytes().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }
}
