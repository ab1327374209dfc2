using System.Diagnostics.CodeAnalysis;

namespace Dts.Core.Splice;

/// <summary>
/// The spliced flows of one packet-filter queue, keyed by <see cref="SpliceFlowKey"/>. Lookup and translation do
/// not allocate; <see cref="TryAdd"/> does (once per flow). A flow is freed by <see cref="Sweep"/> once it has been
/// closed (FIN both ways or RST, RFC 9293 §3.6 / §3.5.3) for the linger time, or idle for the idle timeout.
/// Not thread-safe: one table per queue-reading thread, and both directions of a flow must reach the same table.
/// </summary>
public sealed class SpliceFlowTable
{
    private readonly Dictionary<SpliceFlowKey, SpliceFlowState> _flows = [];
    private readonly long _idleTicks;
    private readonly long _lingerTicks;

    /// <summary>
    /// Creates an empty table. <paramref name="closeLinger"/> keeps a closed flow translatable for the final ACK and
    /// retransmitted FIN/RST (freeing it at the second FIN would let the last ACK through untranslated).
    /// </summary>
    /// <param name="idleTimeout">A flow with no translated packet for this long is freed.</param>
    /// <param name="closeLinger">A closed flow is freed this long after it closed.</param>
    /// <param name="timeProvider">The clock whose <see cref="TimeProvider.GetTimestamp"/> callers pass as "now".</param>
    public SpliceFlowTable(TimeSpan idleTimeout, TimeSpan closeLinger, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idleTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(closeLinger, TimeSpan.Zero);
        TimeProvider = timeProvider ?? TimeProvider.System;
        _idleTicks = ToTicks(idleTimeout);
        _lingerTicks = ToTicks(closeLinger);
    }

    /// <summary>The clock of the timestamps passed to this table.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Number of flows held.</summary>
    public int Count => _flows.Count;

    /// <summary>Arms a flow; false (and the existing state) when the key is already present.</summary>
    public bool TryAdd(SpliceFlowKey key, SpliceRules rules, long nowTimestamp, out SpliceFlowState state)
    {
        if (_flows.TryGetValue(key, out SpliceFlowState? existing))
        {
            state = existing;
            return false;
        }

        state = new SpliceFlowState(rules, nowTimestamp);
        _flows.Add(key, state);
        return true;
    }

    /// <summary>The state of a flow, if held.</summary>
    public bool TryGet(SpliceFlowKey key, [MaybeNullWhen(false)] out SpliceFlowState state) => _flows.TryGetValue(key, out state);

    /// <summary>Forgets a flow at once (e.g. a handover that failed after arming).</summary>
    public bool Remove(SpliceFlowKey key) => _flows.Remove(key);

    /// <summary>
    /// Looks up the flow by the packet's client endpoint (its destination) and translates it
    /// (<see cref="SpliceTranslator.TranslateEgress(Span{byte}, in SpliceRules, bool)"/>).
    /// <see cref="TranslateResult.UnknownFlow"/> when not held, <see cref="TranslateResult.NotTcp"/> when no key can be read.
    /// </summary>
    public TranslateResult TranslateEgress(Span<byte> ipPacket, bool checksumNotReady, long nowTimestamp)
    {
        if (!SpliceFlowKey.TryRead(ipPacket, egress: true, out SpliceFlowKey key))
        {
            return TranslateResult.NotTcp;
        }

        return _flows.TryGetValue(key, out SpliceFlowState? state)
            ? state.TranslateEgress(ipPacket, checksumNotReady, nowTimestamp)
            : TranslateResult.UnknownFlow;
    }

    /// <summary>
    /// Looks up the flow by the packet's client endpoint (its source) and translates it
    /// (<see cref="SpliceTranslator.TranslateIngress(Span{byte}, in SpliceRules, bool)"/>).
    /// <see cref="TranslateResult.UnknownFlow"/> when not held, <see cref="TranslateResult.NotTcp"/> when no key can be read.
    /// </summary>
    public TranslateResult TranslateIngress(Span<byte> ipPacket, bool checksumNotReady, long nowTimestamp)
    {
        if (!SpliceFlowKey.TryRead(ipPacket, egress: false, out SpliceFlowKey key))
        {
            return TranslateResult.NotTcp;
        }

        return _flows.TryGetValue(key, out SpliceFlowState? state)
            ? state.TranslateIngress(ipPacket, checksumNotReady, nowTimestamp)
            : TranslateResult.UnknownFlow;
    }

    /// <summary>
    /// Frees every flow closed for longer than the linger time or idle for longer than the idle timeout, calling
    /// <paramref name="onRemoved"/> (if any) for each before it goes, e.g. to report its byte counters.
    /// Returns the number freed. Does not allocate beyond what <paramref name="onRemoved"/> does.
    /// </summary>
    public int Sweep(long nowTimestamp, Action<SpliceFlowKey, SpliceFlowState>? onRemoved = null)
    {
        int removed = 0;
        foreach (KeyValuePair<SpliceFlowKey, SpliceFlowState> flow in _flows)
        {
            SpliceFlowState state = flow.Value;
            bool expired = state.IsClosed
                ? nowTimestamp - state.ClosedTimestamp >= _lingerTicks
                : nowTimestamp - state.LastActivityTimestamp >= _idleTicks;
            if (expired)
            {
                onRemoved?.Invoke(flow.Key, state);
                _flows.Remove(flow.Key); // allowed while enumerating a Dictionary since .NET Core 3.0
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Enumerates the flows (struct enumerator, no allocation), e.g. for a gauge of active flows.</summary>
    public Dictionary<SpliceFlowKey, SpliceFlowState>.Enumerator GetEnumerator() => _flows.GetEnumerator();

    private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * TimeProvider.TimestampFrequency);
}
