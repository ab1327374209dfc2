using System.Net;
using System.Net.Sockets;
using System.Numerics;

namespace Dts.Core.Ownership;

/// <summary>
/// Which node owns a client's connection: the same function the nodes' nft rule evaluates,
/// <c>jhash ip saddr . tcp sport mod N seed S</c>. The kernel hashes the concatenation as it sits in nft
/// registers — the 4 address bytes, then the 2 port bytes zero-padded to 4 (8 bytes, network order) — with
/// Bob Jenkins' lookup3 <c>jhash()</c> (include/linux/jhash.h) and maps the hash onto 0..N-1 with
/// <c>reciprocal_scale()</c> (net/netfilter/nft_hash.c, nft_jhash_eval).
/// </summary>
public static class FlowOwner
{
    private const uint JhashInitval = 0xdeadbeef;

    /// <summary>The index (0..<paramref name="nodeCount"/>−1) of the node that owns connections from <paramref name="client"/>:<paramref name="clientPort"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="client"/> is not IPv4.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nodeCount"/> is not positive.</exception>
    public static int OwnerIndex(IPAddress client, ushort clientPort, uint seed, int nodeCount)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nodeCount);
        if (client.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException("Only IPv4 clients are hashed by the nft rule.", nameof(client));
        }
        Span<byte> key = stackalloc byte[8];
        client.TryWriteBytes(key, out _);
        key[4] = (byte)(clientPort >> 8);
        key[5] = (byte)clientPort;
        return (int)(((ulong)Jhash(key, seed) * (uint)nodeCount) >> 32);
    }

    /// <summary>lookup3 <c>jhash()</c> as the Linux kernel implements it, for keys of up to 12 bytes.</summary>
    internal static uint Jhash(ReadOnlySpan<byte> k, uint initval)
    {
        if (k.Length > 12)
        {
            throw new ArgumentOutOfRangeException(nameof(k), "keys longer than 12 bytes are not needed here");
        }
        uint a, b, c;
        a = b = c = unchecked(JhashInitval + (uint)k.Length + initval);
        if (k.Length == 0)
        {
            return c;
        }
        for (var i = k.Length - 1; i >= 0; i--)
        {
            var v = (uint)k[i] << (8 * (i % 4));
            switch (i / 4)
            {
                case 0: a += v; break;
                case 1: b += v; break;
                default: c += v; break;
            }
        }
        unchecked
        {
            c ^= b; c -= BitOperations.RotateLeft(b, 14);
            a ^= c; a -= BitOperations.RotateLeft(c, 11);
            b ^= a; b -= BitOperations.RotateLeft(a, 25);
            c ^= b; c -= BitOperations.RotateLeft(b, 16);
            a ^= c; a -= BitOperations.RotateLeft(c, 4);
            b ^= a; b -= BitOperations.RotateLeft(a, 14);
            c ^= b; c -= BitOperations.RotateLeft(b, 24);
        }
        return c;
    }
}
