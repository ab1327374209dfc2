using System.Net;
using Dts.Core.Ownership;

namespace Dts.Testbed.Bench;

/// <summary>
/// Client source ports whose connections a given node owns (the nodes' nft rule, reproduced by
/// <see cref="FlowOwner.OwnerIndex"/>), handed out round robin. Ports come from below Linux's ephemeral range
/// (32768–60999) so that no kernel-chosen port collides with them; rotating through thousands of them keeps a
/// port's previous connection (TIME_WAIT on a server, nft set elements) far in the past when it comes round again.
/// </summary>
internal sealed class BenchPortPool
{
    /// <summary>First port considered.</summary>
    public const ushort FirstPort = 10000;

    /// <summary>Last port considered (the one below the default ephemeral range).</summary>
    public const ushort LastPort = 32767;

    private readonly ushort[] _ports;
    private long _next = -1;

    /// <summary>The ports from <paramref name="client"/> that node index <paramref name="ownerIndex"/> (0-based) owns.</summary>
    public BenchPortPool(IPAddress client, uint seed, int nodeCount, int ownerIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ownerIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(ownerIndex, nodeCount);
        var ports = new List<ushort>();
        for (int p = FirstPort; p <= LastPort; p++)
        {
            if (FlowOwner.OwnerIndex(client, (ushort)p, seed, nodeCount) == ownerIndex)
            {
                ports.Add((ushort)p);
            }
        }

        _ports = [.. ports];
        OwnerIndex = ownerIndex;
    }

    /// <summary>The 0-based index of the node that owns every port of this pool.</summary>
    public int OwnerIndex { get; }

    /// <summary>How many ports the pool rotates through.</summary>
    public int Count => _ports.Length;

    /// <summary>The next port, round robin; thread-safe.</summary>
    public ushort Next() => _ports[(int)(Interlocked.Increment(ref _next) % _ports.Length)];
}
