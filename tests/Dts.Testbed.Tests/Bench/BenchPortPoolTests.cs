using System.Net;
using Dts.Core.Ownership;
using Dts.Testbed.Bench;

namespace Dts.Testbed.Tests.Bench;

public sealed class BenchPortPoolTests
{
    private static readonly IPAddress Client = IPAddress.Parse("198.19.0.2");

    [Fact]
    public void Next_EveryPort_IsOwnedByThePoolsNode()
    {
        var pool = new BenchPortPool(Client, 0x5eed, 3, 2);
        for (int i = 0; i < 2 * pool.Count; i++)
        {
            Assert.Equal(2, FlowOwner.OwnerIndex(Client, pool.Next(), 0x5eed, 3));
        }
    }

    [Fact]
    public void Constructor_ThreeNodes_SplitsTheRangeRoughlyInThirdsBelowTheEphemeralRange()
    {
        var pools = Enumerable.Range(0, 3).Select(i => new BenchPortPool(Client, 0x5eed, 3, i)).ToList();
        int total = BenchPortPool.LastPort - BenchPortPool.FirstPort + 1;
        Assert.Equal(total, pools.Sum(p => p.Count));
        Assert.All(pools, p => Assert.InRange(p.Count, total / 3 * 9 / 10, total / 3 * 11 / 10));
        Assert.True(BenchPortPool.LastPort < 32768);
    }

    [Fact]
    public void Next_RotatesThroughEveryPortBeforeRepeating()
    {
        var pool = new BenchPortPool(Client, 1, 3, 0);
        var seen = new HashSet<ushort>();
        for (int i = 0; i < pool.Count; i++)
        {
            Assert.True(seen.Add(pool.Next()));
        }

        Assert.Contains(pool.Next(), seen);
    }
}
