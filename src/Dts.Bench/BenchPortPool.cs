using System.Net;
using Dts.Core.Ownership;

namespace Dts.Bench;

/// <summary>
/// Client source endpoints (address, port) whose connections a given node owns (the nodes' nft rule,
/// reproduced by <see cref="FlowOwner.OwnerIndex"/>), handed out round robin. Ports come from below Linux's
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

    /// <summary>The endpoints from <paramref name="clients"/> that node index <paramref name="ownerIndex"/> (0-based) owns.</summary>
    public BenchPortPool(IReadOnlyList<IPAddress> clients, uint seed, int nodeCount, int ownerIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ownerIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(ownerIndex, nodeCount);
        var endpoints = new List<IPEndPoint>();
        for (int p = FirstPort; p <= LastPort; p++)
        {
            // Port-major order: consecutive connections use different addresses.
            foreach (var client in clients)
            {
                if (FlowOwner.OwnerIndex(client, (ushort)p, seed, nodeCount) == ownerIndex)
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
