using Dts.Core.Handover;

namespace Dts.Bench;

/// <summary>
/// One handover phase of one mechanism from a node's own histograms (<c>GET /dts/stats</c> → <c>phases</c>): the
/// origin side's from n1, the target side's from n3 (<see cref="Dts.Core.Telemetry.DtsPhaseNames"/> says what each
/// measures), and whatever other phases the nodes report.
/// </summary>
/// <param name="Mechanism">The mechanism of the testbed the phase was measured on.</param>
/// <param name="Side"><c>origin</c> (n1) or <c>target</c> (n3).</param>
/// <param name="Phase">Phase name.</param>
/// <param name="Node">The node whose histogram it is.</param>
/// <param name="P50Us">Median over the node's last 8192 samples, µs.</param>
/// <param name="P99Us">99th percentile over the node's last 8192 samples, µs.</param>
/// <param name="Count">Samples since the node started (warm-up included).</param>
public sealed record BenchPhase(HandoverMechanism Mechanism, string Side, string Phase, string Node, double P50Us, double P99Us, long Count);
