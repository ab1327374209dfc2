using System.Net;
using System.Net.Sockets;
using System.Numerics;

namespace Dts.Core.Ownership;

/// <summary>
/// Which bucket a client's connection falls in, and so which node answers its SYN: the same function the nodes'
/// nft bucket rule evaluates, <c>jhash ip saddr . tcp sport mod B seed S</c>. The kernel hashes the concatenation as it sits in nft
/// registers — the 4 address bytes, then the 2 port bytes zero-padded to 4 (8 bytes, network order) — with
/// Bob Jenkins' lookup3 <c>jhash()</c> (include/linux/jhash.h) and maps the hash onto 0..N-1 with
/// <c>reciprocal_scale()</c> (net/netfilter/nft_hash.c, nft_jhash_eval).
/// </summary>
public static class FlowOwner
{
    private const uint JhashInitval = 0xdeadbeef;

    /// <summary>The bucket (0..<paramref name="buckets"/>−1) of connections from <paramref name="client"/>:<paramref name="clientPort"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="client"/> is not IPv4.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="buckets"/> is not positive.</exception>
    public static int Bucket(IPAddress client, ushort clientPort, uint seed, int buckets)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(buckets);
        if (client.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException("Only IPv4 clients are hashed by the nft rule.", nameof(client));
        }
        Span<byte> key = stackalloc byte[8];
        client.TryWriteBytes(key, out _);
        key[4] = (byte)(clientPort >> 8);
        key[5] = (byte)clientPort;
        return (int)(((ulong)Jhash(key, seed) * (uint)buckets) >> 32);
    }

    /// <summary>
    /// The node that answers the SYN of a connection from <paramref name="client"/>:<paramref name="clientPort"/>
    /// under the bucket table <paramref name="owners"/> (<see cref="BucketAssignment.Assign"/>; B = its length).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="client"/> is not IPv4, or <paramref name="owners"/> is empty.</exception>
    public static string? Owner(IPAddress client, ushort clientPort, uint seed, IReadOnlyList<string?> owners)
    {
        ArgumentNullException.ThrowIfNull(owners);
        if (owners.Count == 0)
        {
            throw new ArgumentException("The bucket table is empty.", nameof(owners));
        }
        return owners[Bucket(client, clientPort, seed, owners.Count)];
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
