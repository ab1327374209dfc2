using Dts.AspNetCore.Telemetry;

namespace Dts.AspNetCore.Mechanisms;

/// <summary>How a mechanism's <see cref="IHandoverMechanism.ApplyAsync"/> ended on the target.</summary>
/// <param name="Accepted">True when the connection is this node's (the commit point was taken).</param>
/// <param name="Reason">Why it was refused; empty when accepted.</param>
/// <param name="Phases">The mechanism's steps and their durations, in order (<see cref="HandoverPhases"/>: Repair
/// <c>flowtable</c>, <c>restore</c>, <c>commit</c>, <c>adopt</c>; Splice <c>flowtable</c>, <c>synack</c>, <c>inject</c>).</param>
internal readonly record struct HandoverApplyResult(bool Accepted, string Reason, HandoverPhases Phases)
{
    public static HandoverApplyResult Refused(string reason) => new(false, reason, default);
}
