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
/// "Has contact": the peer's last answer from etcd is younger than (TTL − margin) / 2. A healthy peer hears from etcd
/// at least every TTL/3 (its keepalive); when etcd went down after this node's last renewal, every peer's last answer
/// is at least TTL − margin − TTL/3 old at the check; the threshold lies between the two (TTL 2 s: healthy ≤ 0.67 s,
/// threshold 0.75 s, etcd down ≥ 0.83 s).
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
            return new PeerStoreContact(last == 0 ? null : _time.GetElapsedTime(last), _fenced);
        }
    }

    private async Task FenceAsync()
    {
        try
        {
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
                    // Fenced: only a renewal clears it (polled every margin). Otherwise sleep until the check point.
                    await Task.Delay(fenced ? margin : _time.GetElapsedTime(now, checkAt), _time, _stoppingToken).ConfigureAwait(false);
                    continue;
                }
                var (fence, reason) = await DecideAsync(ttl, margin).ConfigureAwait(false);
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
                    await Task.Delay(margin, _time, _stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_stoppingToken.IsCancellationRequested)
        {
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
            else if (answers[i]!.StoreContactAge is { } age && age < threshold)
            {
                return (true, $"{peers[i]} heard from the store {age.TotalMilliseconds:F0} ms ago");
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
