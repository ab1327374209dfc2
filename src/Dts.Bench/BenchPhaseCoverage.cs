using Dts.Core.Handover;

namespace Dts.Bench;

/// <summary>
/// How much of a handover's wall time one side's phases cover (<c>/dts/stats</c> → <c>phaseCoverage</c>): the rest
/// is time no phase measures.
/// </summary>
/// <param name="Mechanism">The mechanism of the testbed.</param>
/// <param name="Side"><c>origin</c> (n1) or <c>target</c> (n3).</param>
/// <param name="Node">The node that reported it.</param>
/// <param name="Fraction">The median fraction over the node's handovers, 0–1.</param>
public sealed record BenchPhaseCoverage(HandoverMechanism Mechanism, string Side, string Node, double Fraction);
