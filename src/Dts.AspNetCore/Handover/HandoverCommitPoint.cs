namespace Dts.AspNetCore.Handover;

/// <summary>
/// The target's at-most-once commit point for one handover id: Pending until the mechanism takes it at its
/// irreversible step (<see cref="TryCommit"/>) or the origin's cancel stops it (<see cref="TryCancel"/>),
/// whichever comes first; a compare-and-swap decides. Thread-safe: the Splice packet path commits from the
/// NFQUEUE thread while a cancel may arrive on a gRPC thread.
/// </summary>
internal sealed class HandoverCommitPoint
{
    private const int Pending = 0, Committed = 1, Cancelled = 2;
    private readonly TimeProvider _time;
    private readonly long _received;
    private readonly TimeSpan _commitWithin;
    private DateTimeOffset _notAfter = DateTimeOffset.MaxValue;
    private int _state;

    /// <param name="time">The clock <paramref name="commitWithin"/> is measured on.</param>
    /// <param name="commitWithin">
    /// How long after the request arrived a commit is still allowed: half the handover timeout. The origin
    /// decides only after the whole timeout, so a target that committed later could own a flow the origin has
    /// already taken back.
    /// </param>
    public HandoverCommitPoint(TimeProvider time, TimeSpan commitWithin)
    {
        _time = time;
        _received = time.GetTimestamp();
        _commitWithin = commitWithin;
    }

    /// <summary>
    /// Also measures the window from when the origin sent the offer (its clock, UTC), not only from when it arrived
    /// here: a target that stalled (a paused or overloaded process, its socket buffers holding the request) must
    /// not commit a flow the origin took back after its own timeout. Clocks are assumed to agree within well
    /// under <c>commitWithin</c>.
    /// </summary>
    public void MeasureFrom(DateTimeOffset sentAt) => _notAfter = sentAt + _commitWithin;

    /// <summary>True once a commit would come too late: past the window counted from arrival or from the origin's send.</summary>
    public bool IsTooLate => _time.GetElapsedTime(_received) >= _commitWithin || _time.GetUtcNow() >= _notAfter;

    /// <summary>True once the origin's cancel (or a late commit) decided against this handover.</summary>
    public bool IsCancelled => Volatile.Read(ref _state) == Cancelled;

    /// <summary>
    /// Takes the commit point: true when the handover may become irreversible now, false when it was cancelled
    /// or it is too late (which cancels it). Only the first caller of this or <see cref="TryCancel"/> wins.
    /// </summary>
    public bool TryCommit() =>
        !IsTooLate
            ? Interlocked.CompareExchange(ref _state, Committed, Pending) == Pending
            : TryCancel() && false;

    /// <summary>Stops the handover unless it committed: true when this call cancelled it.</summary>
    public bool TryCancel() => Interlocked.CompareExchange(ref _state, Cancelled, Pending) == Pending;
}
