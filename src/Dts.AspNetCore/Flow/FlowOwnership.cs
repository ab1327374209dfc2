using System.Net;
using Dts.Core.Tcp;
using Dts.Linux.Netfilter;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Flow;

/// <summary>
/// This node's nft table <c>inet dts</c> (<see cref="NftFlowTable"/>): installed (reconciling whatever it finds, with
/// no bucket until the membership gives some) when the host starts, and left in place when it stops
/// (<see cref="StopAsync"/> says why). The buckets are <see cref="Membership.BucketTable"/>'s to set; per-handover
/// set updates go through libnftables, never the nft program. A target needs no update to own a handed-over flow:
/// its restored (Repair) or accepted (Splice) socket is enough.
/// </summary>
internal sealed class FlowOwnership(IOptions<DtsOptions> options, IOptions<FlowMarkOptions> marks, TimeProvider time) : IHostedService, IDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<FlowKey, long> _handedOut = new();
    private long _nextSweep;

    private readonly Lazy<NftFlowTable> _table = new(() =>
    {
        var o = options.Value;
        return new NftFlowTable(new NftFlowTableOptions
        {
            Vip = IPAddress.Parse(o.Vip),
            Port = checked((ushort)o.Port),
            Buckets = o.Buckets,
            HashSeed = o.HashSeed,
            FlowIdleTimeout = o.FlowIdleTimeout,
            SpliceMark = marks.Value.Mark,
        });
    });

    public void AddHandedOut(FlowKey flow)
    {
        _table.Value.AddHandedOut(flow);
        _handedOut[flow] = time.GetTimestamp();
        SweepHandedOut();
    }

    public void RemoveHandedOut(FlowKey flow)
    {
        _table.Value.RemoveHandedOut(flow);
        _handedOut.TryRemove(flow, out _);
    }

    /// <summary>Forgets handed-out flows older than twice the idle timeout (their elements are long gone); at most once a minute.</summary>
    private void SweepHandedOut()
    {
        var now = time.GetTimestamp();
        var next = Interlocked.Read(ref _nextSweep);
        if (now < next || Interlocked.CompareExchange(ref _nextSweep, now + 60 * time.TimestampFrequency, next) != next)
        {
            return;
        }
        var cutoff = now - (long)(2 * options.Value.FlowIdleTimeout.TotalSeconds * time.TimestampFrequency);
        foreach (var (flow, added) in _handedOut)
        {
            if (added < cutoff)
            {
                _handedOut.TryRemove(flow, out _);
            }
        }
    }

    /// <summary>
    /// This node is about to take the flow in. A <c>handed_out</c> element an earlier connection on the same client
    /// port left here (this node was its origin, and the client never closed it where this node could see) would
    /// drop the flow before its socket exists, so it goes. This node remembers what it handed out: asking nft would
    /// list the whole set (libnftables' cache), and deleting an element that is not there waits for an RCU grace
    /// period (~10 ms).
    /// </summary>
    public void PrepareHandedIn(FlowKey flow)
    {
        if (_handedOut.TryRemove(flow, out _))
        {
            _table.Value.RemoveHandedOut(flow);
        }
    }

    /// <summary>Whether the kernel holds this node's tables now (<see cref="NftFlowTable.IsInstalled"/>); false before the host started.</summary>
    public bool IsInstalled(out string problem)
    {
        if (!_table.IsValueCreated)
        {
            problem = "not installed yet (the host has not started)";
            return false;
        }
        return _table.Value.IsInstalled(out problem);
    }

    /// <summary>The buckets whose SYNs this node answers now.</summary>
    public int BucketCount => _table.IsValueCreated ? _table.Value.Buckets.Count : 0;

    /// <summary>Replaces the buckets whose SYNs this node answers (<see cref="NftFlowTable.SetBuckets"/>).</summary>
    public void SetBuckets(IEnumerable<int> buckets) => _table.Value.SetBuckets(buckets);

    /// <summary>Marks the flow's packets, both directions, with <see cref="FlowMarkOptions.Mark"/> (the table must have one).</summary>
    public void AddMarked(FlowKey flow) => _table.Value.AddSpliced(flow);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Enabled)
        {
            _table.Value.Install();
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Leaves the tables in place. Without them this node's stack would answer every packet to the VIP (and
    /// reset every flow it does not own), and its ARP replies would pull the VIP's traffic to itself; the
    /// flows it handed out stay protected until the next start reconciles the table.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        if (_table.IsValueCreated)
        {
            _table.Value.Dispose();
        }
    }
}
