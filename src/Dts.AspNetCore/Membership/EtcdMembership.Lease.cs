using System.Collections.Concurrent;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace Dts.AspNetCore.Membership;

internal sealed partial class EtcdMembership
{
    /// <summary>
    /// Grants a lease when the node has none (at start, or after it was found gone) and puts the member key under it:
    /// the join path. Clears <see cref="MembershipView.Fenced"/> once the key is in.
    /// </summary>
    private async Task EnsureLeaseAsync(CancellationToken cancellationToken)
    {
        bool grant;
        lock (_gate)
        {
            if (_joined)
            {
                return;
            }
            grant = _leaseId == 0 || _leaseLost;
        }
        if (grant)
        {
            var sent = _time.GetTimestamp();
            var granted = await Connection.Client.LeaseGrantAsync(
                new LeaseGrantRequest { TTL = (long)_etcd.LeaseTtl.TotalSeconds }, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(granted.Error) || granted.TTL <= 0)
            {
                throw new RpcException(new Status(StatusCode.Unknown, $"lease grant refused: {granted.Error}"));
            }
            lock (_gate)
            {
                _leaseId = granted.ID;
                _ttl = TimeSpan.FromSeconds(granted.TTL);
                _lastRenewSent = sent;
                _suspectSince = 0;
                _leaseLost = false;
            }
        }
        await PutSelfOnceAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _joined = true;
            _leaseHealthy = true;
            _fenced = false;
            _fenceReason = null;
            if (!_started)
            {
                _reportedFenced = false; // the first join is not news
            }
        }
        Publish();
    }

    /// <summary>Puts <c>{Prefix}members/{NodeId}</c> = this node's state and applied table, under its lease.</summary>
    private async Task PutSelfOnceAsync(CancellationToken cancellationToken)
    {
        await _putGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        long lease = 0;
        try
        {
            MemberRecord record;
            lock (_gate)
            {
                if (_leaseId == 0 || _leaseLost)
                {
                    return; // not joined yet, or rejoining: the join puts the current state
                }
                lease = _leaseId;
                record = new MemberRecord(_state.ToString(), _applied);
            }
            await Connection.Client.PutAsync(
                new PutRequest { Key = _selfKey, Value = ByteString.CopyFrom(record.ToUtf8()), Lease = lease },
                deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            OnLeaseLost(lease, "etcd no longer knows the lease (" + ex.Status.Detail + ")");
            throw;
        }
        finally
        {
            _putGate.Release();
        }
    }

    /// <summary>
    /// One keepalive stream: a request every TTL/6 (<see cref="KeepAliveInterval"/>); each answer with TTL &gt; 0 renews
    /// the lease as of the send time of its request (answers come in order). An answer missing at the next tick (at most
    /// <c>RequestTimeout</c>), or a broken
    /// stream, fails the attempt (the retry pipeline opens a new stream); a TTL ≤ 0 answer means the lease is gone.
    /// </summary>
    private async Task KeepAliveAsync(CancellationToken cancellationToken)
    {
        await EnsureLeaseAsync(cancellationToken).ConfigureAwait(false);
        long lease;
        TimeSpan interval;
        lock (_gate)
        {
            lease = _leaseId;
            interval = KeepAliveInterval(_ttl);
        }
        using var stream = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var call = Connection.Client.GetConnection().LeaseClient.LeaseKeepAlive(cancellationToken: stream.Token);
        var pending = new ConcurrentQueue<long>();
        lock (_gate)
        {
            _pendingKeepAlives = pending;
        }
        var reader = ReadKeepAlivesAsync(call.ResponseStream, lease, pending, stream.Token);
        try
        {
            while (true)
            {
                pending.Enqueue(_time.GetTimestamp());
                await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = lease }, cancellationToken).ConfigureAwait(false);
                var tick = Task.Delay(interval, _time, cancellationToken);
                if (await Task.WhenAny(tick, reader).ConfigureAwait(false) == reader)
                {
                    await reader.ConfigureAwait(false); // throws: the stream ended or the lease is gone
                }
                await tick.ConfigureAwait(false);
                // An answer takes a round trip; one still missing at the next tick (TTL/6, or RequestTimeout if shorter)
                // means this stream's member went silent: a new stream (round robin: another member) still renews
                // in time, where waiting longer would let the lease run out.
                var bound = interval < _etcd.RequestTimeout ? interval : _etcd.RequestTimeout;
                if (pending.TryPeek(out var oldest) && _time.GetElapsedTime(oldest) >= bound)
                {
                    throw new TimeoutException($"no keepalive answer within {bound.TotalMilliseconds:F0} ms");
                }
            }
        }
        finally
        {
            await stream.CancelAsync().ConfigureAwait(false);
            await reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task ReadKeepAlivesAsync(IAsyncStreamReader<LeaseKeepAliveResponse> answers, long lease, ConcurrentQueue<long> pending, CancellationToken cancellationToken)
    {
        while (await answers.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            var answer = answers.Current;
            if (!pending.TryDequeue(out var sent))
            {
                continue; // not an answer to a request of ours
            }
            if (answer.TTL <= 0)
            {
                OnLeaseLost(lease, "its keepalive was answered with TTL " + answer.TTL);
                throw new RpcException(new Status(StatusCode.NotFound, $"lease {lease:x} expired"));
            }
            OnRenewed(lease, sent);
        }
        throw new RpcException(new Status(StatusCode.Unavailable, "the keepalive stream ended"));
    }

    /// <summary>
    /// How often a node renews its lease: TTL/6 (333 ms at 2 s). Often enough that a peer in doubt sees proof of a
    /// healthy quorum (a renewal after its doubt began) well before it must decide, and that a stream on a member gone
    /// silent is abandoned with most of the TTL left.
    /// </summary>
    internal static TimeSpan KeepAliveInterval(TimeSpan ttl) => ttl / 6;

    private void OnRenewed(long lease, long sent)
    {
        lock (_gate)
        {
            if (lease != _leaseId || _leaseLost)
            {
                return;
            }
            _lastRenewSent = Math.Max(_lastRenewSent, sent);
            _suspectSince = 0;
            _leaseHealthy = true;
            _fenced = false;
            _fenceReason = null;
            _fenceWaived = false;
        }
        Publish();
    }

    /// <summary>The lease is gone in etcd (others saw the key go): fenced at once; the keepalive loop rejoins with a new lease.</summary>
    private void OnLeaseLost(long lease, string reason)
    {
        lock (_gate)
        {
            if (lease != _leaseId || _leaseLost)
            {
                return;
            }
            _leaseLost = true;
            _joined = false;
            _applied = null;
            _fenced = true;
            _fenceReason = $"lease {lease:x} is gone: {reason}";
        }
        Publish();
    }


    /// <summary>A failed etcd call or broken stream (about to be retried): the store counts as unreachable until the next success.</summary>
    private void OnFailure(Exception error, bool lease)
    {
        if (IsAnswer(error))
        {
            return; // etcd answered; the retry rejoins / re-reads
        }
        lock (_gate)
        {
            if (lease)
            {
                _leaseHealthy = false;
                if (_suspectSince == 0)
                {
                    _suspectSince = _time.GetTimestamp();
                }
            }
            else
            {
                _watchHealthy = false;
            }
            _lastFailure = error.Message;
        }
        Publish();
    }
}
