using Dts.Core.Ownership;

namespace Dts.EndToEnd.Tests.Infrastructure;

/// <summary>Which node answers a client port's SYN on a testbed whose nodes are all live members (the nodes' bucket table).</summary>
internal static class TestbedOwnership
{
    /// <summary>The 0-based index of the node (<c>n1</c> = 0) that answers the SYN of the client's connection from <paramref name="clientPort"/>.</summary>
    public static int OwnerIndex(this Testbed.Testbed t, int clientPort)
    {
        var owners = BucketAssignment.Assign(Enumerable.Range(1, t.NodeCount).Select(i => $"n{i}"), BucketAssignment.DefaultBuckets);
        var owner = FlowOwner.Owner(t.ClientAddress, (ushort)clientPort, t.Options.HashSeed, owners)!;
        return int.Parse(owner.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture) - 1;
    }
}
