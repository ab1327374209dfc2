using Xunit.Abstractions;
using Dts.AspNetCore.Membership;
using Dts.AspNetCore.Telemetry;

namespace Dts.AspNetCore.Tests.Membership;

/// <summary>etcd killed (SIGKILL) under two members and started again: static stability and fencing. Each test has its own etcd.</summary>
public sealed class EtcdMembershipOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);

    [EtcdFact]
    public async Task EtcdKilled_PeersLostItToo_ServesWithTheLastViewAndIsNotFenced()
    {
        await using var etcd = await EtcdServer.StartNewAsync();
        var peers = new TestPeers(); // each peer answers with its real store contact
        await using var n1 = await MembershipNode.StartAsync("n1", etcd.Endpoint, "/dts/", peers);
        await using var n2 = await MembershipNode.StartAsync("n2", etcd.Endpoint, "/dts/", peers);
        await n1.WaitAsync(v => v.ActiveIds.Count == 2, TimeSpan.FromSeconds(5), "n1 sees both");
        await n2.WaitAsync(v => v.ActiveIds.Count == 2, TimeSpan.FromSeconds(5), "n2 sees both"); // its own view too, before the store goes
        var before = n1.View;
        // A renewal that was merely slow before the kill (a loaded machine) may have been waived already: count from here.
        var waivedBefore = new[] { n1, n2 }.ToDictionary(n => n, n => n.Logger.Count(EventIds.MembershipFenceWaived));

        etcd.Kill();
        var noticed = await n1.WaitAsync(v => !v.StoreReachable, TimeSpan.FromSeconds(1.5), "n1 notices the store is gone");
        await Task.Delay(Ttl + TimeSpan.FromSeconds(1)); // past every lease deadline, several retries

        output.WriteLine($"unreachable noticed after {noticed.TotalMilliseconds:F0} ms; n1's view stayed at revision {n1.View.Revision}");
        foreach (var n in new[] { n1, n2 })
        {
            Assert.False(n.Views.Any(v => v.View.Fenced), string.Join('\n', n.Logger.Entries.Select(e => e.Message)));
            Assert.False(n.View.StoreReachable);
            Assert.Equal(["n1", "n2"], n.View.ActiveIds); // static stability: the last view
            Assert.Equal(1, n.Logger.Count(EventIds.MembershipStoreUnreachable)); // once per transition, not per attempt
            Assert.Equal(1, n.Logger.Count(EventIds.MembershipFenceWaived) - waivedBefore[n]);
        }
        Assert.Equal(before.Revision, n1.View.Revision);
        Assert.Contains($"revision {before.Revision}", n1.Logger.Entries.First(e => e.Id.Id == EventIds.MembershipStoreUnreachable).Message, StringComparison.Ordinal);
    }

    [EtcdFact]
    public async Task EtcdLost_APeerStillRenews_Fenced()
    {
        await using var etcd = await EtcdServer.StartNewAsync();
        var peers = new TestPeers();
        await using var n1 = await MembershipNode.StartAsync("n1", etcd.Endpoint, "/dts/", peers);
        await using var n2 = await MembershipNode.StartAsync("n2", etcd.Endpoint, "/dts/", peers);
        await n1.WaitAsync(v => v.ActiveIds.Count == 2, TimeSpan.FromSeconds(5), "n1 sees both");
        await n2.WaitAsync(v => v.ActiveIds.Count == 2, TimeSpan.FromSeconds(5), "n2 sees both"); // its own view too, before the store goes
        // Only n1 lost etcd (a partition): its peer still renews, so it will see n1's lease expire.
        peers.Answer = new PeerStoreContact(TimeSpan.FromMilliseconds(200), Renewing: true, Fenced: false);

        etcd.Kill();
        await n1.WaitAsync(v => v.Fenced, Ttl, "n1 fenced");

        var (ttl, lastRenewSent) = n1.Membership.Lease;
        var early = TimeProvider.System.GetElapsedTime(n1.Views.First(v => v.View.Fenced).At, lastRenewSent + (long)(ttl.TotalSeconds * TimeProvider.System.TimestampFrequency));
        output.WriteLine($"fenced {early.TotalMilliseconds:F0} ms before the lease could expire");
        foreach (var e in n1.Logger.Entries)
        {
            output.WriteLine($"n1 {e.Level} {e.Id.Id}: {e.Message}");
        }
        Assert.True(early > TimeSpan.Zero);
        Assert.Contains("n2 renewed its lease", n1.Logger.Entries.Single(e => e.Id.Id == EventIds.MembershipFenced).Message, StringComparison.Ordinal);
    }

    [EtcdFact]
    public async Task EtcdLost_APeerRenewedAfterwardsButNoLongerRenews_NotFenced()
    {
        await using var etcd = await EtcdServer.StartNewAsync();
        var peers = new TestPeers();
        await using var n1 = await MembershipNode.StartAsync("n1", etcd.Endpoint, "/dts/", peers);
        await using var n2 = await MembershipNode.StartAsync("n2", etcd.Endpoint, "/dts/", peers);
        await n1.WaitAsync(v => v.ActiveIds.Count == 2, TimeSpan.FromSeconds(5), "n1 sees both");
        await n2.WaitAsync(v => v.ActiveIds.Count == 2, TimeSpan.FromSeconds(5), "n2 sees both"); // its own view too, before the store goes
        // etcd losing its members one after another: the peer's member (a leader that has just lost its quorum) renewed
        // it once more after n1's member was gone, then stopped answering. No lease can expire without a quorum.
        peers.Answer = new PeerStoreContact(TimeSpan.FromMilliseconds(200), Renewing: false, Fenced: false);
        // A renewal that was merely slow before the kill (a loaded machine) may have been waived already: count from here.
        var waivedBefore = n1.Logger.Count(EventIds.MembershipFenceWaived);

        etcd.Kill();
        await Task.Delay(Ttl + TimeSpan.FromSeconds(1)); // past n1's deadline − margin and its lease deadline

        foreach (var e in n1.Logger.Entries)
        {
            output.WriteLine($"n1 {e.Level} {e.Id.Id}: {e.Message}");
        }
        Assert.DoesNotContain(n1.Views, v => v.View.Fenced);
        Assert.Equal(1, n1.Logger.Count(EventIds.MembershipFenceWaived) - waivedBefore);
        Assert.Equal(["n1", "n2"], n1.View.ActiveIds);
    }

    [EtcdFact]
    public async Task EtcdKilled_NoPeerAnswers_FencedBeforeTheLeaseCouldExpire_UnfencedWhenEtcdIsBack()
    {
        await using var etcd = await EtcdServer.StartNewAsync();
        var peers = new TestPeers();
        await using var n1 = await MembershipNode.StartAsync("n1", etcd.Endpoint, "/dts/", peers);
        await using var n2 = await MembershipNode.StartAsync("n2", etcd.Endpoint, "/dts/", peers);
        await n1.WaitAsync(v => v.ActiveIds.Count == 2, TimeSpan.FromSeconds(5), "n1 sees both");
        await n2.WaitAsync(v => v.ActiveIds.Count == 2, TimeSpan.FromSeconds(5), "n2 sees both"); // its own view too, before the store goes
        peers.Reachable = false; // a member that doesn't answer may still reach etcd

        etcd.Kill();
        var killed = TimeProvider.System.GetTimestamp();
        await n1.WaitAsync(v => v.Fenced, Ttl, "n1 fenced");

        var (ttl, lastRenewSent) = n1.Membership.Lease;
        var fencedAt = n1.Views.First(v => v.View.Fenced).At;
        var deadline = lastRenewSent + (long)(ttl.TotalSeconds * TimeProvider.System.TimestampFrequency);
        var early = TimeProvider.System.GetElapsedTime(fencedAt, deadline);
        var sinceRenewal = TimeProvider.System.GetElapsedTime(lastRenewSent, fencedAt);
        output.WriteLine($"TTL {ttl.TotalSeconds} s: fenced {sinceRenewal.TotalMilliseconds:F0} ms after the last renewal was sent " +
            $"({TimeProvider.System.GetElapsedTime(killed, fencedAt).TotalMilliseconds:F0} ms after the kill), {early.TotalMilliseconds:F0} ms before the lease could expire");
        Assert.True(early > TimeSpan.Zero, "fenced before lastRenewSent + TTL");
        Assert.True(sinceRenewal >= ttl - EtcdMembership.Margin(ttl) - TimeSpan.FromMilliseconds(20), "not fenced before deadline − margin");

        await etcd.StartAsync();
        var back = await n1.WaitAsync(v => v.StoreReachable && !v.Fenced, TimeSpan.FromSeconds(10), "n1 reachable and unfenced");
        await n2.WaitAsync(v => v.StoreReachable && !v.Fenced && v.ActiveIds.SequenceEqual(["n1", "n2"]), TimeSpan.FromSeconds(10), "n2 back with both");
        output.WriteLine($"back {back.TotalMilliseconds:F0} ms after etcd answered /health again");
        Assert.Equal(1, n1.Logger.Count(EventIds.MembershipFenced));
        Assert.Equal(1, n1.Logger.Count(EventIds.MembershipUnfenced));
        Assert.Equal(1, n1.Logger.Count(EventIds.MembershipStoreUnreachable));
        Assert.Equal(1, n1.Logger.Count(EventIds.MembershipStoreReachable));
    }
}
