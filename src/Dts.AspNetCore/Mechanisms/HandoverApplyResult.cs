namespace Dts.AspNetCore.Mechanisms;

/// <summary>How a mechanism's <see cref="IHandoverMechanism.ApplyAsync"/> ended on the target.</summary>
/// <param name="Accepted">True when the connection is this node's (the commit point was taken).</param>
/// <param name="Reason">Why it was refused; empty when accepted.</param>
/// <param name="Restore">Time spent installing the connection (phase <c>restore</c> of <c>/dts/stats</c>).</param>
/// <param name="Adopt">Time spent handing it to Kestrel after the commit (phase <c>adopt</c>); zero when the mechanism's connection enters through the listener.</param>
internal readonly record struct HandoverApplyResult(bool Accepted, string Reason, TimeSpan Restore, TimeSpan Adopt)
{
    public static HandoverApplyResult Refused(string reason) => new(false, reason, TimeSpan.Zero, TimeSpan.Zero);
}
