using System.Text;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace Dts.AspNetCore.Membership;

internal sealed partial class EtcdMembership
{
    /// <summary>Reads every member key under <c>{Prefix}members/</c>: the view of the read revision.</summary>
    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        var range = await Connection.Client.GetRangeAsync(_membersPrefix, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _members.Clear();
            foreach (var kv in range.Kvs)
            {
                Upsert(kv.Key, kv.Value);
            }
            _revision = range.Header.Revision;
            _watchHealthy = true;
            _reread = false;
        }
        Publish();
    }

    /// <summary>How often a watch is checked against a linearizable read of the prefix.</summary>
    private static readonly TimeSpan AuditInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// One watch of <c>{Prefix}members/</c> from the last seen revision + 1, applied as the events come. A broken
    /// stream fails the attempt (the retry pipeline watches again from where it was); a compacted start revision
    /// makes the next attempt read the prefix again first. A watch served by a member cut off from the others stays
    /// open and silent: an audit reads the prefix (linearizable: a quorum answers) every 500 ms, and a watch that
    /// missed a change two audits in a row is dropped, the prefix read again and watched from a healthy member.
    /// </summary>
    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        var watch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var audit = AuditAsync(watch);
        try
        {
            await WatchOnceAsync(watch.Token).ConfigureAwait(false);
        }
        catch (Exception) when (audit.IsCompleted && audit.Result && !cancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the watch fell behind the store (its member is cut off?); reading the prefix again"));
        }
        finally
        {
            await watch.CancelAsync().ConfigureAwait(false);
            await audit.ConfigureAwait(false); // never throws
            watch.Dispose();
        }
    }

    /// <summary>Cancels <paramref name="watch"/> and returns true once two audits in a row found a change the watch had not delivered.</summary>
    private async Task<bool> AuditAsync(CancellationTokenSource watch)
    {
        var behind = 0;
        while (!watch.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(AuditInterval, _time, watch.Token).ConfigureAwait(false);
                var range = await Connection.Client.GetRangeAsync(_membersPrefix, deadline: Deadline(), cancellationToken: watch.Token).ConfigureAwait(false);
                bool stale;
                lock (_gate)
                {
                    var present = range.Kvs.Select(kv => TryNodeId(kv.Key, out var id) ? id : "").ToHashSet(StringComparer.Ordinal);
                    stale = range.Kvs.Any(kv => kv.ModRevision > _revision) || _members.Keys.Any(id => !present.Contains(id));
                }
                behind = stale ? behind + 1 : 0;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                continue; // the store itself is out of reach: the lease's path says so
            }
            if (behind >= 2)
            {
                lock (_gate)
                {
                    _reread = true;
                }
                await watch.CancelAsync().ConfigureAwait(false);
                return true;
            }
        }
        return false;
    }

    private async Task WatchOnceAsync(CancellationToken cancellationToken)
    {
        bool reread;
        lock (_gate)
        {
            reread = _reread;
        }
        if (reread)
        {
            await ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        long from;
        lock (_gate)
        {
            from = _revision + 1;
        }
        using var call = Connection.Client.GetConnection().WatchClient.Watch(cancellationToken: cancellationToken);
        var prefix = ByteString.CopyFromUtf8(_membersPrefix);
        await call.RequestStream.WriteAsync(new WatchRequest
        {
            CreateRequest = new WatchCreateRequest { Key = prefix, RangeEnd = PrefixEnd(prefix), StartRevision = from },
        }, cancellationToken).ConfigureAwait(false);
        while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            var response = call.ResponseStream.Current;
            if (response.CompactRevision > 0)
            {
                lock (_gate)
                {
                    _reread = true;
                }
                throw new RpcException(new Status(StatusCode.OutOfRange, $"revision {from} was compacted (etcd keeps {response.CompactRevision} on)"));
            }
            if (response.Canceled)
            {
                throw new RpcException(new Status(StatusCode.Aborted, "etcd cancelled the watch: " + response.CancelReason));
            }
            Apply(response);
        }
        throw new RpcException(new Status(StatusCode.Unavailable, "the watch stream ended"));
    }

    private void Apply(WatchResponse response)
    {
        lock (_gate)
        {
            foreach (var e in response.Events)
            {
                if (e.Type == Mvccpb.Event.Types.EventType.Put)
                {
                    Upsert(e.Kv.Key, e.Kv.Value);
                }
                else if (TryNodeId(e.Kv.Key, out var id))
                {
                    _members.Remove(id);
                }
                // The last event's revision, never the header's: a created watch's header runs ahead of the events
                // it has still to send, and the watch resumes from this revision + 1.
                _revision = Math.Max(_revision, e.Kv.ModRevision);
            }
            _watchHealthy = true;
        }
        Publish();
    }

    /// <summary>Applies one member key (caller holds <c>_gate</c>): unknown ids and values that don't parse are ignored, once with a warning.</summary>
    private void Upsert(ByteString key, ByteString value)
    {
        if (!TryNodeId(key, out var id))
        {
            return;
        }
        if (!_knownIds.Contains(id))
        {
            if (_ignored.Add(id))
            {
                Log.IgnoredMember(_logger, key.ToStringUtf8(), "the id is not in Dts:Nodes");
            }
            return;
        }
        if (!MemberRecord.TryParse(value.Span, out var state, out var applied, out var error))
        {
            _members.Remove(id);
            if (_ignored.Add(id))
            {
                Log.IgnoredMember(_logger, key.ToStringUtf8(), error);
            }
            return;
        }
        _members[id] = new ClusterMember(id, state, applied);
    }

    private bool TryNodeId(ByteString key, out string id)
    {
        id = key.ToStringUtf8();
        if (!id.StartsWith(_membersPrefix, StringComparison.Ordinal))
        {
            return false;
        }
        id = id[_membersPrefix.Length..];
        return id.Length > 0 && !id.Contains('/', StringComparison.Ordinal);
    }

    /// <summary>etcd's range end of a prefix: the prefix with its last byte incremented (bytes of 0xff dropped first).</summary>
    internal static ByteString PrefixEnd(ByteString prefix)
    {
        var end = prefix.ToByteArray();
        for (var i = end.Length - 1; i >= 0; i--)
        {
            if (end[i] < 0xff)
            {
                end[i]++;
                return ByteString.CopyFrom(end, 0, i + 1);
            }
        }
        return ByteString.CopyFrom(0); // every key
    }

    private static string Describe(IEnumerable<ClusterMember> members)
    {
        var text = new StringBuilder();
        foreach (var m in members)
        {
            text.Append(text.Length == 0 ? "" : ", ").Append(m.NodeId).Append(' ').Append(m.State);
        }
        return text.Length == 0 ? "(none)" : text.ToString();
    }
}
