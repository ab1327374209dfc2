namespace Dts.AspNetCore.Handover;

/// <summary>The target's answer to a <see cref="HandoverOffer"/> (the domain's form of <c>HandoverReply</c>).</summary>
/// <param name="Accepted">True when the target owns the connection now.</param>
/// <param name="Reason">Why the target refused; empty when accepted.</param>
internal sealed record HandoverAnswer(bool Accepted, string Reason)
{
    public static HandoverAnswer Applied { get; } = new(true, "");

    public static HandoverAnswer Refused(string reason) => new(false, reason);
}
