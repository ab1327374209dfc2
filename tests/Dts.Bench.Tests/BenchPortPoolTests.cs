using System.Net;
using Dts.Core.Ownership;

namespace Dts.Bench.Tests;

public sealed class BenchPortPoolTests
{
    private static readonly IPAddress Client = IPAddress.Parse("198.19.0.2");
    private static readonly string?[] Owners = BucketAssignment.Assign(["n1", "n2", "n3"], BucketAssignment.DefaultBuckets);

    [Fact]
    public void Next_EveryPort_IsOwnedByThePoolsNode()
    {
        var pool = new BenchPortPool([Client], 0x5eed, 3, 2);
        for (int i = 0; i < 2 * pool.Count; i++)
        {
            var next = pool.Next();
            Assert.Equal("n3", FlowOwner.Owner(next.Address, (ushort)next.Port, 0x5eed, Owners));
        }
    }

    [Fact]
    public void Constructor_ThreeNodes_SplitsTheRangeByBucketSharesBelowTheEphemeralRange()
    {
        var pools = Enumerable.Range(0, 3).Select(i => new BenchPortPool([Client], 0x5eed, 3, i)).ToList();
        int total = BenchPortPool.LastPort - BenchPortPool.FirstPort + 1;
        Assert.Equal(total, pools.Sum(p => p.Count));
        for (int i = 0; i < 3; i++)
        {
            double share = BucketAssignment.BucketsOf(Owners, $"n{i + 1}").Length / (double)Owners.Length;
            Assert.InRange(pools[i].Count, total * share * 0.9, total * share * 1.1);
        }
        Assert.True(BenchPortPool.LastPort < 32768);
    }

    [Fact]
    public void Next_RotatesThroughEveryEndpointBeforeRepeating()
    {
        var clients = new[] { Client, System.Net.IPAddress.Parse("198.19.0.10") };
        var pool = new BenchPortPool(clients, 1, 3, 0);
        var seen = new HashSet<System.Net.IPEndPoint>();
        for (int i = 0; i < pool.Count; i++)
        {
            Assert.True(seen.Add(pool.Next()));
        }

        // Both addresses contribute (about a third of their ports each), and the rotation starts over.
        Assert.Equal(2, seen.Select(e => e.Address).Distinct().Count());
        Assert.Contains(pool.Next(), seen);
    }
}
