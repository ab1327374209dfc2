using CsCheck;
using Dts.Core.Ownership;

namespace Dts.Core.Tests.Ownership;

public sealed class BucketAssignmentTests
{
    private static readonly Gen<string[]> Members =
        Gen.Int[1, 12].Select(n => Enumerable.Range(1, n).Select(i => $"n{i}").ToArray());

    private static readonly Gen<int> BucketCounts = Gen.OneOf(Gen.Int[1, 300], Gen.Const(256), Gen.Const(4096));

    // Every node computes the same table from the same member set, whatever order it learned the members in.
    [Fact]
    public void Assign_IsAFunctionOfTheMemberSet_NotOfItsOrder()
    {
        Gen.Select(Members, BucketCounts, Gen.Int).Sample((members, buckets, seed) =>
        {
            var shuffled = members.OrderBy(m => HashCode.Combine(m, seed)).ToArray();
            Assert.Equal(BucketAssignment.Assign(members, buckets), BucketAssignment.Assign(shuffled, buckets));
        });
    }

    // A node that leaves takes exactly its own buckets with it; every other bucket keeps its owner.
    [Fact]
    public void Leave_MovesOnlyTheLeaversBuckets()
    {
        Gen.Select(Members.Where(m => m.Length >= 2), BucketCounts, Gen.Int[0, 11]).Sample((members, buckets, pick) =>
        {
            var leaver = members[pick % members.Length];
            var before = BucketAssignment.Assign(members, buckets);
            var after = BucketAssignment.Assign(members.Where(m => m != leaver), buckets);
            for (var b = 0; b < buckets; b++)
            {
                if (before[b] != leaver)
                {
                    Assert.Equal(before[b], after[b]);
                }
                else
                {
                    Assert.NotEqual(leaver, after[b]);
                }
            }
        });
    }

    // A node that joins takes only buckets that move to it; no bucket moves between the others.
    [Fact]
    public void Join_MovesBucketsOnlyToTheJoiner()
    {
        Gen.Select(Members, BucketCounts).Sample((members, buckets) =>
        {
            const string joiner = "joiner";
            var before = BucketAssignment.Assign(members, buckets);
            var after = BucketAssignment.Assign([.. members, joiner], buckets);
            for (var b = 0; b < buckets; b++)
            {
                Assert.True(after[b] == before[b] || after[b] == joiner, $"bucket {b} moved {before[b]} → {after[b]}");
            }
        });
    }

    private static readonly string[] Three = ["n1", "n2", "n3"];

    [Fact]
    public void Assign_GivesEveryBucketToALiveNode_AndSharesThemOut()
    {
        var owners = BucketAssignment.Assign(Three, 256);
        Assert.All(owners, o => Assert.Contains(o, Three));
        var shares = Three.Select(n => BucketAssignment.BucketsOf(owners, n).Length).ToArray();
        Assert.Equal(256, shares.Sum());
        Assert.All(shares, s => Assert.InRange(s, 256 / 3 * 0.75, 256 / 3 * 1.25)); // binomial: ±3σ ≈ 15 %
    }

    [Fact]
    public void Assign_NoMembers_NobodyOwnsAnything()
    {
        Assert.All(BucketAssignment.Assign([], 16), o => Assert.Null(o));
    }

    [Fact]
    public void Assign_BadInput_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BucketAssignment.Assign(["n1"], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => BucketAssignment.Assign(["n1"], BucketAssignment.MaxBuckets + 1));
        Assert.Throws<ArgumentException>(() => BucketAssignment.Assign(["n1", "n1"], 4));
    }
}
