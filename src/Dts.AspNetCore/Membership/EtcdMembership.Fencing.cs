namespace Dts.AspNetCore.Membership;

/// <summary>
/// Fencing: a node that can't renew its lease stops answering SYNs before the others can see the lease expire, and a
/// node whose peers lost etcd too (etcd itself is down: nobody can see any lease expire) keeps serving with its last
/// view — without flapping.
/// <para>
/// <c>lastRenewSent</c> is the send time of the last keepalive (or grant) whose answer had TTL &gt; 0; etcd expires the
/// lease no earlier than <c>lastRenewSent + TTL</c>, so that is the deadline. <c>suspectSince</c> is when this node
/// first had reason to doubt its lease: the send time of its oldest keepalive still unanswered after 100 ms, or its
/// first failed etcd call since the last renewal. From then on it probes its peers (<c>ProbeMembership</c>) every 100 ms and keeps each
/// one's latest answer: when that peer last renewed its lease (its receive time minus the age it reports).
/// </para>
/// <para>
/// At <c>deadline − margin</c> (margin = min(500 ms, TTL/4)) without a newer renewal, the node is fenced when a peer
/// renewed its lease more than 50 ms after <c>suspectSince</c> and its latest answer says it still renews (etcd answers
/// the others but not this node: a partition, and they will see the lease expire), or when a member of its view never
/// answered since <c>suspectSince</c> (it may have contact). A peer that renewed after this node's doubt began but no
/// longer renews is no such proof: etcd losing its members one after another lets a leader that has just lost its
/// quorum answer keepalives until it steps down (lease renewal needs no consensus), while no lease can expire without a
/// quorum, and a new leader extends them all. Otherwise every member lost etcd no later than this node did: etcd is down, the fence is waived and
/// the same test is repeated on every later answer. A peer's last contact never moves during a full outage, so the
/// verdict cannot flap; a probe answer that is slow (a loaded node) has most of TTL − margin to arrive.
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

    /// <summary>How much later than this node's first doubt a peer's last etcd answer must be to prove etcd answers others: 50 ms (clock skew and probe round trip).</summary>
    internal static readonly TimeSpan ContactSlack = TimeSpan.FromMilliseconds(50);

    /// <summary>How often a doubting node probes its peers.</summary>
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);

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

    /// <summary>
    /// What this node tells a peer that probes it (<c>ProbeMembership</c>): how long ago its lease was last renewed
    /// (the send time of the renewing keepalive; null before it held a lease). Only a renewal proves that etcd has a
    /// quorum this node reaches: a member cut off from the others still answers some calls (a watch, a serializable
    /// read), which must not make a peer fence itself.
    /// </summary>
    public PeerStoreContact AnswerProbe()
    {
        lock (_gate)
        {
            var renewed = _lastRenewSent == 0 || _leaseLost ? (TimeSpan?)null : _time.GetElapsedTime(_lastRenewSent);
            return new PeerStoreContact(renewed, _joined && !_leaseLost && _leaseHealthy, _fenced);
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
        var answers = new Dictionary<string, (long LastContact, bool Renewing)>(StringComparer.Ordinal); // peer → when it last renewed (timestamp), whether it still does
        long doubtingSince = 0;
        while (!_stoppingToken.IsCancellationRequested)
        {
            long renewed, suspect;
            TimeSpan ttl;
            bool fenced;
            lock (_gate)
            {
                renewed = _lastRenewSent;
                ttl = _ttl;
                fenced = _fenced;
                suspect = SuspectSinceLocked();
            }
            var margin = Margin(ttl);
            if (fenced || suspect == 0)
            {
                // Fenced: only a renewal clears it. Not in doubt: nothing to ask.
                answers.Clear();
                doubtingSince = 0;
                stop.WaitOne(ProbeInterval);
                continue;
            }
            if (doubtingSince != suspect)
            {
                answers.Clear(); // answers from an earlier doubt say nothing about this one
                doubtingSince = suspect;
            }

            // Ask every peer; keep the latest answer of each.
            var round = ProbeRoundAsync(ProbeInterval * 4);
            if (round.Wait(ProbeInterval * 4 + TimeSpan.FromMilliseconds(20), _stoppingToken))
            {
                foreach (var (peer, lastContact, renewing) in round.Result)
                {
                    answers[peer] = (lastContact, renewing);
                }
            }

            if (_time.GetTimestamp() >= renewed + Ticks(ttl - margin))
            {
                var (fence, reason) = Decide(answers, suspect);
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
            }
            stop.WaitOne(ProbeInterval);
        }
    }

    /// <summary>When this node first doubted its lease since the last renewal (0: no doubt): its oldest unanswered keepalive's send time, or its first failure.</summary>
    private long SuspectSinceLocked()
    {
        var oldest = _pendingKeepAlives is { } pending && pending.TryPeek(out var sent) && sent > _lastRenewSent ? sent : 0;
        // A keepalive answer takes a round trip (well under a millisecond here, a few on a LAN): one missing for a probe
        // interval is reason to start asking; the decision still waits for deadline − margin.
        var overdue = oldest != 0 && _time.GetElapsedTime(oldest) > ProbeInterval ? oldest : 0;
        return (overdue, _suspectSince) switch
        {
            (0, var f) => f,
            (var o, 0) => o,
            (var o, var f) => Math.Min(o, f),
        };
    }

    /// <summary>Fence (and why) when a peer renewed after this node's doubt began and still renews, or a member never answered.</summary>
    private (bool Fence, string Reason) Decide(Dictionary<string, (long LastContact, bool Renewing)> answers, long suspect)
    {
        HashSet<string> members;
        lock (_gate)
        {
            members = _members.Keys.Where(id => id != _options.NodeId).ToHashSet(StringComparer.Ordinal);
        }
        foreach (var (peer, (lastContact, renewing)) in answers)
        {
            if (renewing && lastContact > suspect + Ticks(ContactSlack))
            {
                return (true, $"{peer} renewed its lease {_time.GetElapsedTime(suspect, lastContact).TotalMilliseconds:F0} ms after this node's renewal first went unanswered and still renews");
            }
        }
        if (members.FirstOrDefault(m => !answers.ContainsKey(m)) is { } silent)
        {
            return (true, $"member {silent} did not answer (it may have store contact)");
        }
        return (false, "no member renews its lease since this node lost the store (etcd is down or has no quorum)");
    }

    /// <summary>One probe of every configured peer: for each that answered, when it last renewed its lease and whether it still renews.</summary>
    private async Task<List<(string Peer, long LastContact, bool Renewing)>> ProbeRoundAsync(TimeSpan timeout)
    {
        var peers = _knownIds.Where(id => id != _options.NodeId).Order(StringComparer.Ordinal).ToArray();
        var answers = await Task.WhenAll(peers.Select(async p => (Peer: p, Answer: await ProbeAsync(p, timeout).ConfigureAwait(false), At: _time.GetTimestamp())))
            .ConfigureAwait(false);
        var result = new List<(string, long, bool)>();
        foreach (var (peer, answer, at) in answers)
        {
            if (answer is not null)
            {
                // Never heard from etcd: as old as it gets.
                result.Add((peer, answer.StoreContactAge is { } age ? at - Ticks(age) : 1, answer.Renewing));
            }
        }
        return result;
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
