namespace Dts.AspNetCore.Membership;

/// <summary>
/// Fencing: a node that can't renew its lease stops answering SYNs before the others can see the lease expire.
/// <para>
/// <c>lastRenewSent</c> is the send time of the last keepalive (or grant) whose answer had TTL &gt; 0; etcd expires the
/// lease no earlier than <c>lastRenewSent + TTL</c> (it received that request later), so that is the deadline. At
/// <c>deadline − margin</c> (margin = min(500 ms, TTL/4)) without a newer renewal, the node asks its peers
/// (<c>ProbeMembership</c>, deadline margin/2) and is fenced unless every member of its last view answered that it
/// has no store contact either — then etcd itself is down, nobody can see the lease expire, and the node keeps serving
/// with the last view (static stability). A member that doesn't answer may have contact: fenced. Configured nodes
/// that are not members are asked too, but only a fresh answer from one counts (a node that is down is the usual
/// reason for not being a member). While not fenced and still overdue it asks again every margin.
/// </para>
/// <para>
/// "Has contact": the peer is renewing (no failed etcd call or stream since its last answer) and its last answer from
/// etcd is younger than (TTL − margin) / 2. A peer of an etcd that died with a reset (process or host restart) has seen
/// a failure at once. One whose etcd went silent (no reset) may not have noticed yet, and there the age decides: a
/// healthy peer hears from etcd at least every TTL/3 (its keepalive); when etcd went down after this node's last
/// renewal, every peer's last answer is at least TTL − margin − TTL/3 old at the check; the threshold lies between the
/// two (TTL 2 s: healthy ≤ 0.67 s, threshold 0.75 s, etcd down ≥ 0.83 s, a tight bound that scheduling delays on a
/// loaded node can cross).
/// </para>
/// <para>
/// Fenced clears at the next successful renewal. A lease found gone (keepalive TTL ≤ 0, NotFound) fences at once; the
/// node grants a new lease and puts its key again (Active, applied null), the normal join path, which clears it.
/// </para>
/// </summary>
internal sealed partial class EtcdMembership
{
    /// <summary>The share of the TTL kept between fencing and the earliest expiry others can see: min(500 ms, TTL/4).</summary>
    internal static TimeSpan Margin(TimeSpan ttl) => TimeSpan.FromTicks(Math.Min(TimeSpan.FromMilliseconds(500).Ticks, ttl.Ticks / 4));

    /// <summary>A peer whose last store answer is younger than this has store contact: (TTL − margin) / 2.</summary>
    internal static TimeSpan ContactThreshold(TimeSpan ttl) => (ttl - Margin(ttl)) / 2;

    /// <summary>The granted TTL and the timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last renewal's send time.</summary>
    internal (TimeSpan Ttl, long LastRenewSent) Lease
    {
        get
        {
            lock (_gate)
            {
                return (_ttl, _lastRenewSent);
            }
        }
    }

    /// <summary>What this node tells a peer that probes it (<c>ProbeMembership</c>).</summary>
    public PeerStoreContact AnswerProbe()
    {
        var last = Interlocked.Read(ref _lastContact);
        lock (_gate)
        {
            return new PeerStoreContact(last == 0 ? null : _time.GetElapsedTime(last), _joined && !_leaseLost && _leaseHealthy, _fenced);
        }
    }

    /// <summary>
    /// Starts the fencing loop on its own thread: its timer and verdict must not wait for a thread pool that a loaded
    /// node has starved (seen in tests: a pool timer 650 ms late on 2 busy cores is past the 500 ms margin).
    /// </summary>
    private Task StartFencing()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                FenceLoop();
            }
            catch (Exception) when (_stoppingToken.IsCancellationRequested)
            {
                // Stopping or disposed while waiting.
            }
            done.TrySetResult();
        })
        {
            IsBackground = true,
            Name = "dts-membership-fence",
        };
        thread.Start();
        return done.Task;
    }

    private void FenceLoop()
    {
        var stop = _stoppingToken.WaitHandle;
        while (!_stoppingToken.IsCancellationRequested)
        {
            long renewed;
            TimeSpan ttl;
            bool fenced;
            lock (_gate)
            {
                renewed = _lastRenewSent;
                ttl = _ttl;
                fenced = _fenced;
            }
            var margin = Margin(ttl);
            var now = _time.GetTimestamp();
            var checkAt = renewed + Ticks(ttl - margin);
            if (fenced || now < checkAt)
            {
                // Fenced: only a renewal clears it (looked at every margin). Otherwise sleep until the check point.
                stop.WaitOne(fenced ? margin : _time.GetElapsedTime(now, checkAt));
                continue;
            }
            var decision = DecideAsync(ttl, margin);
            var (fence, reason) = decision.Wait(margin / 2 + TimeSpan.FromMilliseconds(20), _stoppingToken)
                ? decision.Result
                : (HasOtherMembers(), $"no peer answered within {(margin / 2).TotalMilliseconds:F0} ms");
            bool waived = false;
            lock (_gate)
            {
                if (_lastRenewSent == renewed && !_fenced)
                {
                    if (fence)
                    {
                        _fenced = true;
                        _fenceReason = $"lease renewal overdue (none for {_time.GetElapsedTime(renewed).TotalMilliseconds:F0} ms of a {ttl.TotalSeconds:F0} s TTL) and {reason}";
                    }
                    else if (!_fenceWaived)
                    {
                        _fenceWaived = waived = true;
                    }
                }
            }
            if (waived)
            {
                Log.FenceWaived(_logger, _time.GetElapsedTime(renewed).TotalMilliseconds, reason);
            }
            Publish();
            if (!fence)
            {
                stop.WaitOne(margin);
            }
        }
    }

    private bool HasOtherMembers()
    {
        lock (_gate)
        {
            return _members.Keys.Any(id => id != _options.NodeId);
        }
    }

    /// <summary>Asks the peers; true (and why) when one of them may see this node's lease expire.</summary>
    private async Task<(bool Fence, string Reason)> DecideAsync(TimeSpan ttl, TimeSpan margin)
    {
        HashSet<string> members;
        lock (_gate)
        {
            members = _members.Keys.Where(id => id != _options.NodeId).ToHashSet(StringComparer.Ordinal);
        }
        var peers = _knownIds.Where(id => id != _options.NodeId).Order(StringComparer.Ordinal).ToArray();
        var answers = await Task.WhenAll(peers.Select(p => ProbeAsync(p, margin / 2))).ConfigureAwait(false);
        var threshold = ContactThreshold(ttl);
        for (var i = 0; i < peers.Length; i++)
        {
            if (answers[i] is null)
            {
                if (members.Contains(peers[i]))
                {
                    return (true, $"member {peers[i]} did not answer (it may have store contact)");
                }
            }
            else if (answers[i] is { Renewing: true, StoreContactAge: { } age } && age < threshold)
            {
                return (true, $"{peers[i]} renews its lease (last answer {age.TotalMilliseconds:F0} ms ago)");
            }
        }
        return (false, "every peer that answered has lost the store too");
    }

    private async Task<PeerStoreContact?> ProbeAsync(string peer, TimeSpan timeout)
    {
        try
        {
            return await _peers.ProbeAsync(peer, timeout, _stoppingToken).WaitAsync(timeout, _time, _stoppingToken).ConfigureAwait(false);
        }
        catch (Exception) when (!_stoppingToken.IsCancellationRequested)
        {
            return null; // whatever went wrong, the peer did not answer
        }
    }
}
