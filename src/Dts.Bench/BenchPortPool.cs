using System.Net;
using Dts.Core.Ownership;

namespace Dts.Bench;

/// <summary>
/// Client source endpoints (address, port) whose SYNs a given node answers while every node is a live member (the
/// nodes' nft bucket rule and bucket table, reproduced by <see cref="FlowOwner.Owner"/>), handed out round robin. Ports come from below Linux's
/// ephemeral range (32768–60999) so that no kernel-chosen port collides with them. A 4-tuple must not come
/// round again within a run: while the nodes' set elements of its previous connection live
/// (<c>Dts:FlowIdleTimeout</c>), a reused client port belongs to the node that last owned it, not to the hash
/// owner. Several client addresses give enough tuples (~7,600 per address and owner with 3 nodes).
/// </summary>
internal sealed class BenchPortPool
{
    /// <summary>First port considered.</summary>
    public const ushort FirstPort = 10000;

    /// <summary>Last port considered (the one below the default ephemeral range).</summary>
    public const ushort LastPort = 32767;

    private readonly IPEndPoint[] _endpoints;
    private long _next = -1;

    /// <summary>
    /// The endpoints from <paramref name="clients"/> whose SYNs node index <paramref name="ownerIndex"/> (0-based; node
    /// ids <c>n1</c>…<c>nN</c>) answers when all <paramref name="nodeCount"/> nodes are live, with B = <paramref name="buckets"/>.
    /// </summary>
    public BenchPortPool(IReadOnlyList<IPAddress> clients, uint seed, int nodeCount, int ownerIndex, int buckets = BucketAssignment.DefaultBuckets)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ownerIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(ownerIndex, nodeCount);
        var owners = BucketAssignment.Assign(Enumerable.Range(1, nodeCount).Select(i => $"n{i}"), buckets);
        var owner = $"n{ownerIndex + 1}";
        var endpoints = new List<IPEndPoint>();
        for (int p = FirstPort; p <= LastPort; p++)
        {
            // Port-major order: consecutive connections use different addresses.
            foreach (var client in clients)
            {
                if (FlowOwner.Owner(client, (ushort)p, seed, owners) == owner)
                {
                    endpoints.Add(new IPEndPoint(client, p));
                }
            }
        }

        _endpoints = [.. endpoints];
        OwnerIndex = ownerIndex;
    }

    /// <summary>The 0-based index of the node that owns every endpoint of this pool.</summary>
    public int OwnerIndex { get; }

    /// <summary>How many endpoints the pool rotates through.</summary>
    public int Count => _endpoints.Length;

    /// <summary>The next endpoint, round robin; thread-safe.</summary>
    public IPEndPoint Next() => _endpoints[(int)(Interlocked.Increment(ref _next) % _endpoints.Length)];
}
