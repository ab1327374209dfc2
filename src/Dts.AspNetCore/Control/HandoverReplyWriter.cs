using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Dts.AspNetCore.Handover;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Dts.AspNetCore.Control;

/// <summary>
/// The target's reply side of one <c>HandOverStream</c>: writes each handover's reply when its apply completes, one
/// write at a time (gRPC forbids concurrent writes on a stream), with the target's time since the request was read.
/// Keeps count of the applies still in flight, so the stream's handler can wait for their replies before it ends
/// (a reply can't be written once the handler returned).
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "A SemaphoreSlim whose wait handle is never asked for holds nothing to dispose.")]
internal sealed class HandoverReplyWriter(IServerStreamWriter<HandoverReply> replies, HttpContext http, HandoverReceiver receiver, IHandoverStreamFaults? faults)
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight = 1; // the reader loop itself, until DrainAsync

    /// <summary>Replies once <paramref name="apply"/> completes (a faulted one as a refusal); the reader loop does not wait for it.</summary>
    public async Task ReplyWhenAppliedAsync(Task<HandoverAnswer> apply, string handoverId, long received)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            HandoverAnswer answer;
            try
            {
                answer = await apply.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The receiver turns a mechanism's exception into a refusal; this only keeps the reply coming regardless.
                answer = HandoverAnswer.Refused(ex.GetType().Name + ": " + ex.Message);
            }
            await ReplyAsync(handoverId, answer, received).ConfigureAwait(false);
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>
    /// Writes the reply to handover <paramref name="handoverId"/>, read off the stream at <paramref name="received"/>
    /// (a <see cref="Stopwatch"/> timestamp). A stream that is gone loses the reply: the origin asks with <c>Cancel</c>.
    /// </summary>
    public async Task ReplyAsync(string handoverId, HandoverAnswer answer, long received)
    {
        if (faults?.AbortBeforeReply(handoverId) == true)
        {
            http.Abort();
            return;
        }
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            var reply = HandoverMessages.ToReply(answer);
            reply.HandoverId = handoverId;
            reply.TargetUs = (uint)Math.Min(Stopwatch.GetElapsedTime(received).TotalMicroseconds, uint.MaxValue);
            await replies.WriteAsync(reply).ConfigureAwait(false);
            // The target's phases end with the reply written (phase "reply").
            receiver.RecordAnswered(answer, received);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException or RpcException)
        {
            // The stream is gone (the origin went away or the node stops). The apply's outcome stays queryable by Cancel.
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Completes once every reply started so far was written (or lost with the stream).</summary>
    public Task DrainAsync()
    {
        Leave();
        return _drained.Task;
    }

    private void Leave()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }
    }
}
