using Dts.Core.Telemetry;
using System.Buffers.Binary;
using System.Net;
using Dts.AspNetCore.Handover;
using Dts.AspNetCore.Telemetry;
using Dts.Core.Handover;
using Dts.Core.Packets;
using Dts.Core.Splice;
using Dts.Core.Tcp;
using Dts.Linux.Netfilter;
using Dts.Linux.Tcp;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Mechanisms.Splice;

/// <summary>
/// The target's packet path for <see cref="HandoverMechanism.Splice"/> (ARCHITECTURE §3, "Target, Splice"):
/// one NFQUEUE receives every packet of every spliced flow (the nft table marks them; iptables-nft steers
/// the mark to the queue, without a bypass). A flow in handshake has nothing pass; an armed flow is
/// translated by <see cref="SpliceFlowTable"/>; a marked packet of any other flow is dropped (fail closed).
/// </summary>
internal sealed partial class SpliceEngine(
    IOptions<DtsOptions> options,
    TimeProvider time,
    IMeterFactory meters,
    ILogger<SpliceEngine> logger) : IHostedService, IDisposable
{
    /// <summary>The packet mark of spliced flows, and the NFQUEUE number they are steered to.</summary>
    public const uint Mark = 0x7d5;

    public const ushort QueueNumber = 2005;

    private readonly DtsOptions _options = options.Value;
    private readonly object _lock = new();
    private readonly SpliceFlowTable _flows = new(options.Value.FlowIdleTimeout, TimeSpan.FromSeconds(60), time);
    private readonly Dictionary<SpliceFlowKey, SpliceHandshake> _handshakes = [];

    /// <summary>
    /// Marked flows whose spliced connection is over and whose client port now carries a connection of this
    /// node's own (a reused port): passed untranslated. Value: last packet's timestamp.
    /// </summary>
    private readonly Dictionary<SpliceFlowKey, long> _native = [];
    private uint _vip;
    private NfQueueSteering? _steering;
    private NfQueue? _queue;
    private RawInjector? _injector;
    private ITimer? _sweeper;

    public bool IsRunning => _queue?.IsRunning == true;

    public RawInjector Injector => _injector ?? throw new InvalidOperationException("Splice is not running.");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _vip = BinaryPrimitives.ReadUInt32BigEndian(IPAddress.Parse(_options.Vip).GetAddressBytes());
        _steering = new NfQueueSteering(new NfQueueSteeringOptions { QueueNumber = QueueNumber, Mark = Mark, IncludeIPv6 = false });
        _steering.Install();
        _queue = new NfQueue(new NfQueueOptions { QueueNumber = QueueNumber }, Handle);
        var meter = meters.Create("Dts");
        meter.CreateObservableGauge("dts.splice.flows", () => FlowCount, "{flow}", "Spliced flows whose translator state is live.");
        meter.CreateObservableCounter("dts.splice.packets", () => _queue?.Packets ?? 0, "{packet}", "Packets the Splice NFQUEUE received.");
        meter.CreateObservableCounter("dts.splice.dropped", () => _queue?.Dropped ?? 0, "{packet}", "Packets the Splice NFQUEUE dropped (handshake in progress, unknown flow, malformed).");
        meter.CreateObservableCounter("dts.splice.enobufs", () => _queue?.NoBufferErrors ?? 0, "{error}", "ENOBUFS on the NFQUEUE socket: the kernel dropped packets because the queue reader fell behind.");
        _injector = new RawInjector();
        _sweeper = time.CreateTimer(_ => Sweep(), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Starts capturing the flow's packets for a synthetic handshake.</summary>
    public SpliceHandshake BeginHandshake(SpliceFlowKey key)
    {
        var handshake = new SpliceHandshake();
        lock (_lock)
        {
            // Whatever an earlier connection on this client port left behind is replaced.
            _flows.Remove(key);
            _native.Remove(key);
            _handshakes[key] = handshake;
        }
        return handshake;
    }

    /// <summary>
    /// Hands the packet path what it needs to commit and arm the flow itself, on the first egress packet that
    /// acknowledges <paramref name="end"/>.
    /// </summary>
    public void Prepare(SpliceHandshake handshake, SpliceRules rules, SeqNum end, HandoverCommitPoint commit)
    {
        lock (_lock)
        {
            handshake.Pending = (rules, end, commit);
        }
    }

    /// <summary>
    /// The receiver gives up: unless the packet path already decided, the flow is never armed (its packets stay
    /// dropped). Returns the decision that stands.
    /// </summary>
    public bool Withdraw(SpliceFlowKey key, SpliceHandshake handshake)
    {
        lock (_lock)
        {
            if (handshake.TryDecide(false))
            {
                _handshakes.Remove(key);
                return false;
            }
            return handshake.Decided.Result;
        }
    }

    /// <summary>Tells the handshake the target's receive window shift (from its SYN-ACK).</summary>
    public void Configure(SpliceHandshake handshake, byte targetWscale)
    {
        lock (_lock)
        {
            handshake.TargetWscale = targetWscale;
        }
    }

    /// <summary>What the target has acknowledged so far (client sequence space).</summary>
    public (bool HasAck, SeqNum Acked, SeqNum WindowEdge) Progress(SpliceHandshake handshake)
    {
        lock (_lock)
        {
            return (handshake.HasAck, handshake.Acked, handshake.WindowEdge);
        }
    }

    /// <summary>The queue's counters for <c>/dts/stats</c> (zeros when Splice is not running).</summary>
    public DtsSpliceStats Snapshot()
    {
        var q = _queue;
        return new DtsSpliceStats(FlowCount, SpliceFlowState.ApproximateSizeBytes, q?.Packets ?? 0, q?.Modified ?? 0, q?.Dropped ?? 0,
            q?.NoBufferErrors ?? 0, q?.VerdictErrors ?? 0, q?.HandlerErrors ?? 0);
    }

    public int FlowCount
    {
        get
        {
            lock (_lock)
            {
                return _flows.Count;
            }
        }
    }

    private PacketVerdict Handle(ref QueuedPacket packet)
    {
        var payload = packet.Payload;
        if (!Ipv4Header.TryRead(payload, out var ip))
        {
            return PacketVerdict.Drop;
        }
        var egress = ip.SourceAddress == _vip;
        if (!SpliceFlowKey.TryRead(payload, egress, out var key))
        {
            return PacketVerdict.Drop;
        }
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (_handshakes.TryGetValue(key, out var handshake))
            {
                if (!egress)
                {
                    return PacketVerdict.Drop;
                }
                handshake.ObserveEgress(payload);
                // The first packet of the target that acknowledges the whole injected stream commits the
                // handover right here, so that this very packet (often the app's response) goes out translated
                // instead of waiting for a retransmission.
                if (handshake.Pending is not { } pending || !handshake.HasAck || handshake.Acked < pending.End)
                {
                    return PacketVerdict.Drop;
                }
                _handshakes.Remove(key);
                if (!pending.Commit.TryCommit())
                {
                    handshake.TryDecide(false);
                    return PacketVerdict.Drop;
                }
                _flows.TryAdd(key, pending.Rules, now, out _);
                handshake.TryDecide(true);
            }
            ref var nativeSince = ref CollectionsMarshal.GetValueRefOrNullRef(_native, key);
            if (!Unsafe.IsNullRef(ref nativeSince))
            {
                nativeSince = now;
                return PacketVerdict.Accept;
            }
            var armed = _flows.TryGet(key, out var state);
            if (TcpHeader.TryRead(ip.Payload, out var tcp) && (tcp.Flags & TcpFlags.Syn) != 0)
            {
                if (!egress && (tcp.Flags & TcpFlags.Ack) == 0)
                {
                    // A client's SYN is in the client's own numbering: the stack judges it. On a live connection
                    // it answers with a challenge ACK (RFC 5961 §4, translated as usual); otherwise it is a new
                    // connection on a reused port, this node's own from now on.
                    if (!armed)
                    {
                        _native[key] = now;
                    }
                    return PacketVerdict.Accept;
                }
                if (egress && (tcp.Flags & TcpFlags.Ack) != 0 && armed)
                {
                    // The stack opened a new connection on this 4-tuple: the spliced one is over.
                    _flows.Remove(key);
                    _native[key] = now;
                    return PacketVerdict.Accept;
                }
            }
            if (!armed)
            {
                return PacketVerdict.Drop; // a marked flow this node has no rules for: fail closed
            }
            var result = egress
                ? state!.TranslateEgress(payload, packet.ChecksumNotReady, now)
                : state!.TranslateIngress(payload, packet.ChecksumNotReady, now);
            return result == TranslateResult.Translated ? PacketVerdict.AcceptModified : PacketVerdict.Drop;
        }
    }

    private void Sweep()
    {
        int removed;
        lock (_lock)
        {
            var now = time.GetTimestamp();
            removed = _flows.Sweep(now);
            var idle = (long)(_options.FlowIdleTimeout.TotalSeconds * time.TimestampFrequency);
            foreach (var (key, last) in _native)
            {
                if (now - last > idle)
                {
                    _native.Remove(key);
                }
            }
        }
        if (removed > 0)
        {
            Log.Swept(logger, removed);
        }
    }

    public void Dispose()
    {
        _sweeper?.Dispose();
        _queue?.Dispose();
        _queue = null;
        _steering?.Uninstall();
        _steering?.Dispose();
        _steering = null;
        _injector?.Dispose();
        _injector = null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.SpliceSwept, LogLevel.Debug, "Splice: freed {Count} closed or idle flows")]
        public static partial void Swept(ILogger logger, int count);
    }
}
