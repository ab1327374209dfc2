namespace Dts.AspNetCore.Handover;

/// <summary>How an attempted handover ended, seen from the origin.</summary>
internal enum HandoverStatus
{
    /// <summary>The target owns the connection now; the origin must never touch it again.</summary>
    HandedOver,

    /// <summary>The connection can't be handed over (TLS, HTTP/2, half-closed, too much read ahead, …).</summary>
    NotEligible,

    /// <summary>The target refused, was unreachable, or timed out before applying: the origin still owns the connection.</summary>
    Failed,
}

/// <summary>The outcome of one handover attempt and why.</summary>
internal readonly record struct HandoverResult(HandoverStatus Status, string Reason)
{
    public static HandoverResult HandedOver { get; } = new(HandoverStatus.HandedOver, "");

    public static HandoverResult NotEligible(string reason) => new(HandoverStatus.NotEligible, reason);

    public static HandoverResult Failed(string reason) => new(HandoverStatus.Failed, reason);
}
