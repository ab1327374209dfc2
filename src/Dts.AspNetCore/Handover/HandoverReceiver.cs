using System.Collections.Concurrent;
using System.Diagnostics;
using Dts.AspNetCore.Connections;
using Dts.AspNetCore.Mechanisms;
using Dts.AspNetCore.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Handover;

/// <summary>
/// The target's side of a handover, whatever the mechanism: applies each handover id at most once (through
/// <see cref="IHandoverMechanism.ApplyAsync"/>), answers a duplicate delivery with the first answer, and stops
/// an id the origin cancelled at its commit point (<see cref="HandoverCommitPoint"/>), so a cancelled id is never
/// applied afterwards.
/// </summary>
internal sealed partial class HandoverReceiver(
    IOptions<DtsOptions> options,
    IHandoverMechanism mechanism,
    HandoverArrivals arrivals,
    DtsTelemetry telemetry,
    TimeProvider time,
    ILogger<HandoverReceiver> logger)
{
    private static readonly TimeSpan Remember = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Entry> _seen = new();
    private readonly TimeSpan _commitWithin = options.Value.HandoverTimeout / 2;
    private long _nextSweep;

    /// <summary>Applies <paramref name="offer"/> once per handover id; a later delivery of the id gets the same answer.</summary>
    /// <param name="offer">The origin's offer.</param>
    /// <param name="received">When the control channel read the request (a <see cref="System.Diagnostics.Stopwatch"/> timestamp, the
    /// clock of <see cref="TimeProvider.System"/> a node runs on), the start of phase <c>receive</c>; 0: now.</param>
    /// <remarks>
    /// The first delivery is traced as span <see cref="DtsTracing.HandoverTarget"/> (when a listener samples it), a child of
    /// the origin's handover span named by the offer's trace context; its phases are events; a refusal sets status Error
    /// with the reason.
    /// </remarks>
    public async Task<HandoverAnswer> ApplyAsync(HandoverOffer offer, long received = 0)
    {
        received = received == 0 ? time.GetTimestamp() : received;
        Sweep();
        var entry = NewEntry();
        var existing = _seen.GetOrAdd(offer.HandoverId, entry);
        if (!ReferenceEquals(existing, entry))
        {
            // A duplicate: answer what the first delivery answered (or will answer).
            return existing.Commit.IsCancelled
                ? HandoverAnswer.Refused("cancelled")
                : await existing.Answer.Task.ConfigureAwait(false);
        }
        if (offer.SentAt is { } sentAt)
        {
            entry.Commit.MeasureFrom(sentAt);
        }
        using var activity = DtsTracing.StartTarget(offer.TraceParent, offer.TraceState);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(DtsTracing.HandoverId, offer.HandoverId);
            activity.SetTag(DtsTracing.Mechanism, offer.Mechanism.ToString());
            activity.SetTag(DtsTracing.Origin, offer.OriginNode);
            DtsTracing.SetFlow(activity, offer.Flow);
        }
        HandoverAnswer answer;
        try
        {
            answer = await ApplyAsyncCore(offer, entry.Commit, received).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            answer = Refuse(offer, ex.GetType().Name + ": " + ex.Message);
        }
        if (activity is not null)
        {
            Trace(activity, answer);
        }
        entry.Answer.TrySetResult(answer);
        return answer;
    }

    /// <summary>
    /// The origin lost the answer and asks what happened. An apply that has not reached its commit point is
    /// stopped there (it undoes what it did and never commits); one that has committed is reported as applied.
    /// Answers at once, whatever the apply is doing. Returns true when the handover was applied.
    /// </summary>
    public async Task<bool> CancelAsync(string handoverId)
    {
        var entry = NewEntry();
        entry.Commit.TryCancel();
        var existing = _seen.GetOrAdd(handoverId, entry);
        if (ReferenceEquals(existing, entry) || existing.Commit.TryCancel() || existing.Commit.IsCancelled)
        {
            return false;
        }
        // Committed: the apply's outcome is decided; wait for its last steps.
        var answer = await existing.Answer.Task.ConfigureAwait(false);
        return answer.Accepted;
    }

    /// <summary>
    /// The control channel wrote the answer to an accepted handover: records the target's phases (its
    /// <see cref="HandoverAnswer.Phases"/>, then <c>reply</c>, from the apply's end to now) over the wall time since
    /// <paramref name="received"/>. Does nothing for a refusal.
    /// </summary>
    public void RecordAnswered(HandoverAnswer answer, long received)
    {
        if (!answer.Accepted || answer.AnsweredAt == 0)
        {
            return;
        }
        var now = time.GetTimestamp();
        var phases = answer.Phases;
        phases.Add("reply", time.GetElapsedTime(answer.AnsweredAt, now));
        telemetry.HandoverReceived(mechanism.Kind, phases, time.GetElapsedTime(received == 0 ? answer.AnsweredAt : received, now));
    }

    private async Task<HandoverAnswer> ApplyAsyncCore(HandoverOffer offer, HandoverCommitPoint commit, long received)
    {
        if (offer.Mechanism != mechanism.Kind)
        {
            return Refuse(offer, $"mechanism {offer.Mechanism} but this node runs {mechanism.Kind}");
        }
        if (!arrivals.IsReady)
        {
            return Refuse(offer, "the VIP listener is not bound");
        }
        if (commit.IsTooLate)
        {
            // It could never commit: refused before anything is installed.
            var sent = offer.SentAt is { } sentAt ? $"sent {(time.GetUtcNow() - sentAt).TotalMilliseconds:F0} ms ago" : "late";
            return Refuse(offer, $"stale: {sent}, the origin may have taken it back");
        }
        var applyStarted = time.GetTimestamp();
        var result = await mechanism.ApplyAsync(offer, commit).ConfigureAwait(false);
        var applied = time.GetTimestamp();
        if (!result.Accepted)
        {
            return Refuse(offer, result.Reason);
        }
        Log.Adopted(logger, offer.HandoverId, offer.Flow, offer.OriginNode);
        var phases = new HandoverPhases();
        // receive: the request read off the channel to the mechanism's start (parsing, the id's entry, the checks).
        phases.Add("receive", time.GetElapsedTime(received, applyStarted));
        phases.AddRange(result.Phases);
        // reply: from the mechanism's return to the answer written (RecordAnswered).
        return HandoverAnswer.Applied with { Phases = phases, AnsweredAt = applied };
    }

    /// <summary>The answer on the target's span: outcome, and the phases so far (<c>reply</c> is written after the span ends; <c>/dts/stats</c> has it).</summary>
    private static void Trace(Activity activity, HandoverAnswer answer)
    {
        if (!answer.Accepted)
        {
            DtsTracing.SetFailed(activity, "refused", answer.Reason);
            return;
        }
        activity.SetTag(DtsTracing.Outcome, "applied");
        DtsTracing.AddPhases(activity, answer.Phases, new DateTimeOffset(activity.StartTimeUtc));
    }

    private HandoverAnswer Refuse(HandoverOffer offer, string reason)
    {
        Log.Refused(logger, offer.HandoverId, offer.OriginNode, reason);
        return HandoverAnswer.Refused(reason);
    }

    private Entry NewEntry() => new(time.GetUtcNow(), new HandoverCommitPoint(time, _commitWithin));

    /// <summary>Forgets handover ids older than <see cref="Remember"/>; runs at most once a second.</summary>
    private void Sweep()
    {
        var now = time.GetTimestamp();
        var next = Interlocked.Read(ref _nextSweep);
        if (now < next || Interlocked.CompareExchange(ref _nextSweep, now + time.TimestampFrequency, next) != next)
        {
            return;
        }
        var cutoff = time.GetUtcNow() - Remember;
        foreach (var (id, entry) in _seen)
        {
            if (entry.Created < cutoff)
            {
                _seen.TryRemove(id, out _);
            }
        }
    }

    /// <summary>One handover id: its commit point and the answer its first delivery gave.</summary>
    private sealed class Entry(DateTimeOffset created, HandoverCommitPoint commit)
    {
        public DateTimeOffset Created { get; } = created;

        public HandoverCommitPoint Commit { get; } = commit;

        public TaskCompletionSource<HandoverAnswer> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
