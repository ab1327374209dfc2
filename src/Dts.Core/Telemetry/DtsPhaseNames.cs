namespace Dts.Core.Telemetry;

/// <summary>
/// The handover phases a node reports in <see cref="DtsStats.Phases"/>, in the order a handover runs them: the origin's,
/// then the target's. Each is a contiguous step; on one side they add up to the handover's wall time on that node
/// (<see cref="DtsStats.PhaseCoverage"/>).
/// </summary>
public static class DtsPhaseNames
{
    /// <summary>
    /// Origin: <c>dispatch</c> (YARP's decision on the first request's head), <c>nft</c> (the flow into <c>handed_out</c>), <c>quiesce</c> (the kernel's receive queue drained into
    /// Kestrel's pipe), <c>checkpoint</c> (TCP_REPAIR freeze, queues and options, thaw), <c>record</c> (the unconsumed
    /// stream collected, the offer built), <c>serialise</c> (the control message), <c>send</c> (its write),
    /// <c>network</c> (the rest of the wait for the answer: wire, both HTTP/2 stacks, thread hops), <c>target</c> (the
    /// target's own time, as its answer reports it), <c>release</c> (the socket frozen again, the output silenced).
    /// </summary>
    public static IReadOnlyList<string> Origin { get; } =
        ["dispatch", "nft", "quiesce", "checkpoint", "record", "serialise", "send", "network", "target", "release"];

    /// <summary>
    /// Target: <c>receive</c> (the request parsed and dispatched to the receiver), the mechanism's steps (Repair:
    /// <c>flowtable</c>, <c>restore</c>, <c>commit</c>, <c>adopt</c>; Splice: <c>flowtable</c>, <c>synack</c> (the
    /// client's SYN replayed until the stack's SYN-ACK was stolen), <c>inject</c> (the handshake's ACK and the stream
    /// until committed and armed)) and <c>reply</c> (the answer written).
    /// </summary>
    public static IReadOnlyList<string> Target { get; } =
        ["receive", "flowtable", "restore", "synack", "inject", "commit", "adopt", "reply"];

    /// <summary><see cref="Origin"/> then <see cref="Target"/>.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Origin, .. Target];
}
