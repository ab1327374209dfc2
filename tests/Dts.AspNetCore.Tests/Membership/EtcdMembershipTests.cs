using Xunit.Abstractions;
using dotnet_etcd;
using Dts.AspNetCore.Membership;
using Dts.AspNetCore.Telemetry;
using Google.Protobuf;

namespace Dts.AspNetCore.Tests.Membership;

/// <summary>Two or three <see cref="EtcdMembership"/> instances on one real etcd, each test on its own key prefix.</summary>
public sealed class EtcdMembershipTests(EtcdFixture etcd, ITestOutputHelper output) : IClassFixture<EtcdFixture>
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);

    private string Endpoint => etcd.Server!.Endpoint;

    private static string NewPrefix() => $"/dts-test/{Guid.NewGuid():N}/";

    [EtcdFact]
    public async Task Start_TwoNodes_SeeEachOtherActiveWithinOneSecond()
    {
        var peers = new TestPeers();
        var prefix = NewPrefix();
        await using var n1 = await MembershipNode.StartAsync("n1", Endpoint, prefix, peers);
        await using var n2 = await MembershipNode.StartAsync("n2", Endpoint, prefix, peers);

        var both = (MembershipView v) => v.ActiveIds.SequenceEqual(["n1", "n2"]);
        var t1 = await n1.WaitAsync(both, TimeSpan.FromSeconds(1), "n1 sees n1, n2 active");
        var t2 = await n2.WaitAsync(both, TimeSpan.FromSeconds(1), "n2 sees n1, n2 active");

        output.WriteLine($"n1 saw both after {t1.TotalMilliseconds:F0} ms, n2 after {t2.TotalMilliseconds:F0} ms");
        foreach (var n in new[] { n1, n2 })
        {
            Assert.True(n.View.StoreReachable);
            Assert.False(n.View.Fenced);
            Assert.All(n.View.Members, m => Assert.Null(m.AppliedTable));
            Assert.Equal(["n1", "n2"], n.View.Members.Select(m => m.NodeId));
        }
    }

    [EtcdFact]
    public async Task Start_MemberKey_IsTheDocumentedJsonUnderTheNodesLease()
    {
        var prefix = NewPrefix();
        await using var n1 = await MembershipNode.StartAsync("n1", Endpoint, prefix, new TestPeers());
        using var client = new EtcdClient(Endpoint);
        // Registered Joining, then Active at once (no host here to wait for).
        await n1.WaitAsync(v => v.IsAvailable("n1"), TimeSpan.FromSeconds(1), "n1 active");

        var range = await client.GetRangeAsync(prefix);

        var kv = Assert.Single(range.Kvs);
        Assert.Equal(prefix + "members/n1", kv.Key.ToStringUtf8());
        Assert.Equal("""{"state":"Active","applied":null}""", kv.Value.ToStringUtf8());
        var lease = await client.LeaseTimeToLiveAsync(new Etcdserverpb.LeaseTimeToLiveRequest { ID = kv.Lease });
        Assert.Equal(2, lease.GrantedTTL);
        await n1.WaitAsync(v => v.Revision == range.Header.Revision, TimeSpan.FromSeconds(1), "n1's view at the store's revision");
    }

    [EtcdFact]
    public async Task PublishApplied_PeerSeesTheFingerprint()
    {
        var peers = new TestPeers();
        var prefix = NewPrefix();
        await using var n1 = await MembershipNode.StartAsync("n1", Endpoint, prefix, peers);
        await using var n2 = await MembershipNode.StartAsync("n2", Endpoint, prefix, peers);

        await n1.Membership.PublishAppliedAsync("256:n1,n2", CancellationToken.None);

        await n2.WaitAsync(v => v.Find("n1")?.AppliedTable == "256:n1,n2", TimeSpan.FromSeconds(1), "n2 sees n1's applied table");
        Assert.Equal(MemberState.Active, n2.View.Find("n1")!.State);
        Assert.Null(n2.View.Find("n2")!.AppliedTable);
    }

    [EtcdFact]
    public async Task Drain_PeerSeesDraining_AndNoLongerActive()
    {
        var peers = new TestPeers();
        var prefix = NewPrefix();
        await using var n1 = await MembershipNode.StartAsync("n1", Endpoint, prefix, peers);
        await using var n2 = await MembershipNode.StartAsync("n2", Endpoint, prefix, peers);
        await n1.Membership.PublishAppliedAsync("256:n1,n2", CancellationToken.None);

        await n1.Membership.DrainAsync(CancellationToken.None);

        await n2.WaitAsync(v => v.Find("n1")?.State == MemberState.Draining, TimeSpan.FromSeconds(1), "n2 sees n1 draining");
        Assert.False(n2.View.IsAvailable("n1"));
        Assert.Equal(["n2"], n2.View.ActiveIds);
        Assert.Equal("256:n1,n2", n2.View.Find("n1")!.AppliedTable); // draining keeps what it applied
    }

    [EtcdFact]
    public async Task Stop_RevokesTheLease_PeerDropsTheMemberAtOnce()
    {
        var peers = new TestPeers();
        var prefix = NewPrefix();
        await using var n1 = await MembershipNode.StartAsync("n1", Endpoint, prefix, peers);
        var n2 = await MembershipNode.StartAsync("n2", Endpoint, prefix, peers);
        await n1.WaitAsync(v => v.IsAvailable("n2"), TimeSpan.FromSeconds(1), "n1 sees n2");

        var stopped = TimeProvider.System.GetTimestamp();
        await n2.DisposeAsync();
        var gone = await n1.WaitAsync(v => v.Find("n2") is null, Ttl, "n1 drops n2");

        output.WriteLine($"n2 left n1's view {TimeProvider.System.GetElapsedTime(stopped).TotalMilliseconds:F0} ms after its StopAsync began");
        Assert.True(gone < TimeSpan.FromMilliseconds(500), $"took {gone.TotalMilliseconds} ms: the revoke should remove the key at once, not the TTL");
    }

    [EtcdFact]
    public async Task Dispose_WithoutRevoke_PeerDropsTheMemberWithinTtlPlusOneSecond()
    {
        var peers = new TestPeers();
        var prefix = NewPrefix();
        await using var n1 = await MembershipNode.StartAsync("n1", Endpoint, prefix, peers);
        await using var n2 = await MembershipNode.StartAsync("n2", Endpoint, prefix, peers);
        await n1.WaitAsync(v => v.IsAvailable("n2"), TimeSpan.FromSeconds(1), "n1 sees n2");

        n2.Membership.Dispose(); // the process dies: no revoke, no more keepalives
        var gone = await n1.WaitAsync(v => v.Find("n2") is null, Ttl + TimeSpan.FromSeconds(1), "n1 drops the dead n2");

        output.WriteLine($"dead n2 left n1's view after {gone.TotalMilliseconds:F0} ms (TTL {Ttl.TotalSeconds} s)");
        Assert.True(gone > TimeSpan.FromSeconds(1), "a dead member leaves by lease expiry, not earlier");
        Assert.False(n1.View.Fenced);
    }

    [EtcdFact]
    public async Task Watch_KeyOfAnUnknownNode_IgnoredWithOneWarning()
    {
        var prefix = NewPrefix();
        await using var n1 = await MembershipNode.StartAsync("n1", Endpoint, prefix, new TestPeers());
        using var client = new EtcdClient(Endpoint);

        await client.PutAsync(prefix + "members/n9", """{"state":"Active","applied":null}""");
        await client.PutAsync(prefix + "members/n9", """{"state":"Draining","applied":null}""");
        await client.PutAsync(prefix + "members/n3", """{"state":"Active","applied":"256:n1,n3"}""");

        await n1.WaitAsync(v => v.IsAvailable("n3"), TimeSpan.FromSeconds(1), "n1 sees n3");
        Assert.Equal(["n1", "n3"], n1.View.Members.Select(m => m.NodeId));
        Assert.Equal(1, n1.Logger.Count(EventIds.MembershipIgnoredKey));
    }

    [EtcdFact]
    public async Task LeaseGone_FencedAtOnce_ThenRejoinsActiveWithAppliedNull()
    {
        var peers = new TestPeers();
        var prefix = NewPrefix();
        await using var n1 = await MembershipNode.StartAsync("n1", Endpoint, prefix, peers);
        await using var n2 = await MembershipNode.StartAsync("n2", Endpoint, prefix, peers);
        await n1.Membership.PublishAppliedAsync("256:n1,n2", CancellationToken.None);
        await n2.WaitAsync(v => v.Find("n1")?.AppliedTable is not null, TimeSpan.FromSeconds(1), "n2 sees n1's table");
        using var client = new EtcdClient(Endpoint);
        var lease = (await client.GetAsync(prefix + "members/n1")).Kvs[0].Lease;

        await client.LeaseRevokeAsync(new Etcdserverpb.LeaseRevokeRequest { ID = lease }); // as if it had expired

        await n1.WaitAsync(v => v.Fenced, Ttl / 3 + TimeSpan.FromMilliseconds(500), "n1 fenced by the next keepalive");
        await n1.WaitAsync(v => !v.Fenced && v.Find("n1") is { State: MemberState.Active, AppliedTable: null }, TimeSpan.FromSeconds(3), "n1 rejoined");
        await n2.WaitAsync(v => v.Find("n1") is { State: MemberState.Active, AppliedTable: null }, TimeSpan.FromSeconds(1), "n2 sees n1 rejoined");
        var newLease = (await client.GetAsync(prefix + "members/n1")).Kvs[0].Lease;
        Assert.NotEqual(lease, newLease);
        Assert.Equal(1, n1.Logger.Count(EventIds.MembershipFenced));
        Assert.Equal(1, n1.Logger.Count(EventIds.MembershipUnfenced));
        Assert.Contains(n1.Views, v => v.View.Fenced);
    }

    [Fact]
    public void PrefixEnd_IncrementsTheLastByte()
    {
        Assert.Equal("/dts/members0", EtcdMembership.PrefixEnd(ByteString.CopyFromUtf8("/dts/members/")).ToStringUtf8());
        Assert.Equal([0x62], EtcdMembership.PrefixEnd(ByteString.CopyFrom(0x61, 0xff)).ToByteArray());
    }
}
