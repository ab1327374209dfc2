using Dts.Core.Handover;

namespace Dts.Bench;

/// <summary>
/// One handover phase of one mechanism from the nodes' own histograms (<c>GET /dts/stats</c> → <c>phases</c>):
/// <c>nft</c>, <c>checkpoint</c> and <c>rpc</c> on the origin n1 (rpc = control-channel round trip, which contains
/// the target's work), <c>restore</c> and <c>adopt</c> on the target n3.
/// </summary>
/// <param name="Mechanism">The mechanism of the testbed the phase was measured on.</param>
/// <param name="Phase">Phase name.</param>
/// <param name="Node">The node whose histogram it is.</param>
/// <param name="P50Us">Median over the node's last 8192 samples, µs.</param>
/// <param name="P99Us">99th percentile over the node's last 8192 samples, µs.</param>
/// <param name="Count">Samples since the node started (warm-up included).</param>
public sealed record BenchPhase(HandoverMechanism Mechanism, string Phase, string Node, double P50Us, double P99Us, long Count);
