using System.Text;

namespace Dts.Core.Ownership;

/// <summary>
/// Which node answers the SYNs of each bucket: rendezvous (highest-random-weight) hashing, Thaler &amp; Ravishankar
/// 1998. Bucket b goes to the live node with the highest <c>score(b, node)</c>; every node computes the same table
/// from the same member set, whatever the order it learned the members in.
/// Chosen over Maglev's lookup table (NSDI'16 §3.4) because it moves exactly the buckets of a node that leaves or
/// joins and no other (Maglev's table trades a few extra moves for balance), and at B ≤ 65536 buckets × a handful of
/// nodes the O(B·N) computation is microseconds. Balance: each node's share is binomial around B/N (±3σ ≈ 15 % at
/// B = 256, N = 3).
/// </summary>
public static class BucketAssignment
{
    /// <summary>B when <c>Dts:Buckets</c> is not set: 256.</summary>
    public const int DefaultBuckets = 256;

    /// <summary>The most buckets a table may have (nft's <c>jhash … mod</c> takes any 32-bit modulus; 2^16 keeps the rule's set small).</summary>
    public const int MaxBuckets = 65536;

    /// <summary>
    /// The owner of every bucket: element b is the id of the node that answers bucket b's SYNs, or null when
    /// <paramref name="liveNodes"/> is empty.
    /// </summary>
    /// <param name="liveNodes">The live nodes' ids (distinct; any order).</param>
    /// <param name="buckets">B, the number of buckets (1–<see cref="MaxBuckets"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="buckets"/> is out of range.</exception>
    /// <exception cref="ArgumentException">An id is repeated.</exception>
    public static string?[] Assign(IEnumerable<string> liveNodes, int buckets)
    {
        ArgumentNullException.ThrowIfNull(liveNodes);
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(buckets, MaxBuckets);
        var nodes = liveNodes.ToArray();
        if (nodes.Distinct(StringComparer.Ordinal).Count() != nodes.Length)
        {
            throw new ArgumentException("Node ids must be distinct.", nameof(liveNodes));
        }
        var seeds = nodes.Select(NodeSeed).ToArray();
        var owners = new string?[buckets];
        for (var b = 0; b < buckets; b++)
        {
            var best = -1;
            ulong bestScore = 0;
            for (var i = 0; i < nodes.Length; i++)
            {
                var score = Score(seeds[i], (uint)b);
                // Ties (2^-64) go to the smaller id, so that the result never depends on the input order.
                if (best < 0 || score > bestScore || (score == bestScore && string.CompareOrdinal(nodes[i], nodes[best]) < 0))
                {
                    best = i;
                    bestScore = score;
                }
            }
            owners[b] = best < 0 ? null : nodes[best];
        }
        return owners;
    }

    /// <summary>The buckets <paramref name="nodeId"/> owns in <paramref name="owners"/> (ascending).</summary>
    public static int[] BucketsOf(IReadOnlyList<string?> owners, string nodeId)
    {
        ArgumentNullException.ThrowIfNull(owners);
        var mine = new List<int>();
        for (var b = 0; b < owners.Count; b++)
        {
            if (owners[b] == nodeId)
            {
                mine.Add(b);
            }
        }
        return mine.ToArray();
    }

    /// <summary>64-bit FNV-1a of the id's UTF-8 bytes: a node's fixed contribution to every score.</summary>
    private static ulong NodeSeed(string nodeId)
    {
        var hash = 0xcbf29ce484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(nodeId))
        {
            hash = unchecked((hash ^ b) * 0x100000001b3UL);
        }
        return hash;
    }

    /// <summary>SplitMix64's finaliser (Steele et al., OOPSLA 2014) over node seed and bucket: a well-mixed 64-bit score.</summary>
    private static ulong Score(ulong nodeSeed, uint bucket)
    {
        unchecked
        {
            var z = nodeSeed + (bucket + 1UL) * 0x9e3779b97f4a7c15UL;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
            return z ^ (z >> 31);
        }
    }
}
