using System.Globalization;
using Dts.Core.Ownership;
using Dts.Testbed.Load;
using DtsTestbed = Dts.Testbed.Testbed;

namespace Dts.Demo;

public sealed partial class DemoRunner
{
    /// <summary>How long the load runs before the kill, after the kill, and after the restart.</summary>
    private static readonly TimeSpan FailoverSteady = TimeSpan.FromSeconds(1.5);

    /// <summary>The membership's lease TTL on the testbed: a dead node leaves within it, and its buckets move.</summary>
    private static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(2);

    private long _failoverMs = -1;
    private long _requestsLost;

    /// <summary>
    /// The failover act: new-connection load on the round-robin route while one node is killed with SIGKILL (a
    /// crash), then started again. Requests that fail inside the failover bound (lease TTL + 1 s) are the price of
    /// the crash and are reported as lost; a failure after it, or while the node rejoins, is an error.
    /// </summary>
    private async Task FailoverAsync(DtsTestbed testbed, CancellationToken cancellationToken)
    {
        if (testbed.NodeCount < 2)
        {
            return;
        }
        int victim = 2;
        string id = testbed.NodeId(victim);
        Section($"failover: {id} is killed (SIGKILL) under load on /whoami (4 clients, a new connection per request), then started again");
        TimeSpan killedAt, restartedAt;
        IReadOnlyList<LoadSample> samples, probes;
        // The load's connect timeout outlasts one SYN retransmission (1 s): a SYN dropped while buckets move is a
        // delay, as for any client, not a failure. The probe aims at the victim's buckets with a short timeout to
        // time the failover itself.
        var owners = BucketAssignment.Assign(Enumerable.Range(1, testbed.NodeCount).Select(testbed.NodeId), BucketAssignment.DefaultBuckets);
        int[] victimPorts = [.. Enumerable.Range(15_000, 2_000)
            .Where(p => FlowOwner.Owner(testbed.ClientAddress, (ushort)p, testbed.Options.HashSeed, owners) == id).Take(64)];
        await using (var load = NewConnectionLoad.Start(testbed, "/whoami", workers: 4, connectTimeout: TimeSpan.FromSeconds(1.5), requestTimeout: TimeSpan.FromSeconds(3)))
        await using (var probe = NewConnectionLoad.Start(testbed, "/whoami", workers: 1, connectTimeout: TimeSpan.FromMilliseconds(100), clientPorts: victimPorts))
        {
            await Task.Delay(FailoverSteady, cancellationToken).ConfigureAwait(false);
            killedAt = load.Elapsed;
            var probeKilledAt = probe.Elapsed;
            await testbed.KillNodeAsync(victim, cancellationToken).ConfigureAwait(false);
            _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {id} killed at {killedAt.TotalSeconds:0.00} s (load clock)"));
            await Task.Delay(LeaseTtl + TimeSpan.FromSeconds(1) + FailoverSteady, cancellationToken).ConfigureAwait(false);
            restartedAt = load.Elapsed;
            probes = await probe.StopAsync().ConfigureAwait(false);
            _failoverMs = probes.FirstOrDefault(p => p.Start >= probeKilledAt && p.Ok) is { } first
                ? (long)(first.Start - probeKilledAt).TotalMilliseconds : -1;
            await testbed.StartNodeAsync(victim, cancellationToken).ConfigureAwait(false);
            _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {id} started again at {restartedAt.TotalSeconds:0.00} s, ready at {load.Elapsed.TotalSeconds:0.00} s"));
            await Task.Delay(FailoverSteady, cancellationToken).ConfigureAwait(false);
            samples = await load.StopAsync().ConfigureAwait(false);
        }

        _tally.AddRequests(samples.Count);
        // Requests in flight at the kill count after it (a connection on the killed node dies with it).
        var crash = FailoverReport.From(samples.Where(s => s.Start < restartedAt).Select(s => s.End >= killedAt && s.Start < killedAt ? s with { Start = killedAt } : s), killedAt);
        var bound = LeaseTtl + TimeSpan.FromSeconds(1);
        var late = samples.Where(s => !s.Ok && s.Start >= killedAt + bound && s.Start < restartedAt).ToArray();
        var rejoin = samples.Where(s => s.Start >= restartedAt).ToArray();
        var rejoinFailed = rejoin.Where(s => !s.Ok).ToArray();
        _requestsLost = crash.Failed;
        int before = samples.Count(s => s.End < killedAt);
        _out.WriteLine($"  before the kill: {before} requests, {samples.Count(s => s.End < killedAt && !s.Ok)} failed");
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  after the kill:  {crash.Requests} requests, {crash.Failed} lost; new connections in {id}'s buckets answered again after {_failoverMs} ms (bound: lease TTL + 1 s = {bound.TotalMilliseconds:0} ms)"));
        _out.WriteLine($"  after the restart: {rejoin.Length} requests, {rejoinFailed.Length} failed, {rejoin.Count(s => s.Node == id)} served by {id}");
        var early = samples.Where(s => s.End < killedAt && !s.Ok).ToArray();
        foreach (var (what, failed) in new[] { ("before the kill", early), ("after the failover bound", late), ("while the node rejoined", rejoinFailed) })
        {
            if (failed.Length > 0)
            {
                _tally.AddErrors(failed.Length, $"failover act: {failed.Length} requests failed {what} (first: {failed[0].Error})");
            }
        }
        if (_failoverMs < 0 || _failoverMs > bound.TotalMilliseconds)
        {
            _tally.AddErrors(1, string.Create(CultureInfo.InvariantCulture, $"failover act: failover took {_failoverMs} ms, over the {bound.TotalMilliseconds:0} ms bound"));
        }
    }
}
