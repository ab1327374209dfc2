using Dts.Core.Handover;
using Dts.Core.Telemetry;

namespace Dts.Bench;

/// <summary>Turns one node's <see cref="DtsStats"/> into the report's phases and coverage of its side.</summary>
public static class BenchPhases
{
    /// <summary>The origin side: n1, which hands the connections over.</summary>
    public const string Origin = "origin";

    /// <summary>The target side: n3, which adopts them.</summary>
    public const string Target = "target";

    /// <summary>The phases the nodes name (<see cref="DtsPhaseNames.All"/>), in the order a handover runs them; others follow.</summary>
    public static IReadOnlyList<string> KnownOrder => DtsPhaseNames.All;

    /// <summary>
    /// Every phase with samples in <paramref name="stats"/>: the known ones in <see cref="KnownOrder"/>, then the others
    /// in the order the node's dictionary gives them.
    /// </summary>
    public static IEnumerable<BenchPhase> From(HandoverMechanism mechanism, string side, DtsStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        foreach (string phase in KnownOrder.Union(stats.Phases.Keys, StringComparer.Ordinal))
        {
            if (stats.Phases.TryGetValue(phase, out var p) && p.Count > 0)
            {
                yield return new BenchPhase(mechanism, side, phase, stats.Node, p.P50Us, p.P99Us, p.Count);
            }
        }
    }

    /// <summary><paramref name="side"/>'s coverage as <paramref name="stats"/> reports it; null when the node does not.</summary>
    public static BenchPhaseCoverage? CoverageFrom(HandoverMechanism mechanism, string side, DtsStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        return stats.PhaseCoverage is { } coverage && coverage.TryGetValue(side, out double fraction)
            ? new BenchPhaseCoverage(mechanism, side, stats.Node, fraction)
            : null;
    }
}
