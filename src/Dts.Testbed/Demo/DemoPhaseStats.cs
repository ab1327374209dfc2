namespace Dts.Testbed.Demo;

/// <summary>One handover phase of one node as <c>/dts/stats</c> reports it.</summary>
/// <param name="P50Us">Median over the node's last 8192 samples, µs.</param>
/// <param name="P99Us">99th percentile over the node's last 8192 samples, µs.</param>
/// <param name="Count">Samples recorded since the node started.</param>
public sealed record DemoPhaseStats(double P50Us, double P99Us, long Count);
