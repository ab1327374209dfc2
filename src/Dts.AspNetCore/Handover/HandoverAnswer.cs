using Dts.AspNetCore.Telemetry;

namespace Dts.AspNetCore.Handover;

/// <summary>The target's answer to a <see cref="HandoverOffer"/> (the domain's form of <c>HandoverReply</c>).</summary>
/// <param name="Accepted">True when the target owns the connection now.</param>
/// <param name="Reason">Why the target refused; empty when accepted.</param>
internal sealed record HandoverAnswer(bool Accepted, string Reason)
{
    public static HandoverAnswer Applied { get; } = new(true, "");

    public static HandoverAnswer Refused(string reason) => new(false, reason);

    /// <summary>The target's phases so far (<c>receive</c>, then the mechanism's), for an accepted answer.</summary>
    public HandoverPhases Phases { get; init; }

    /// <summary>When the apply ended (<see cref="TimeProvider.GetTimestamp"/> of the receiver's clock); 0 when unknown.</summary>
    public long AnsweredAt { get; init; }
}
