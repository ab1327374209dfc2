using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Grpc.Core;

namespace Dts.AspNetCore.Control;

/// <summary>
/// The origin's end of one <c>HandOverStream</c> call to a peer: requests are written one at a time under a lock
/// (gRPC forbids concurrent writes; the writer's own thread does the write, no queue in between), and one reader loop
/// completes each <see cref="PendingHandover"/> with the reply carrying its id. Once the call fails or ends, the
/// stream is broken for good: every handover still waiting, and every later one, completes as "answer lost", and
/// <see cref="ControlPeer"/> opens a new stream for the next handover.
/// </summary>
internal sealed class HandoverStream : IDisposable
{
    private readonly AsyncDuplexStreamingCall<HandoverRequest, HandoverReply> _call;
    [SuppressMessage("Usage", "CA2213:Disposable fields should be disposed", Justification = "A handover whose write failed may still release it after the stream was disposed; with no wait handle asked for, it holds nothing to dispose.")]
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Dictionary<string, PendingHandover> _pending = new(StringComparer.Ordinal);
    private string? _broken; // why the stream broke; null while it works (guarded by _pending)

    public HandoverStream(DtsControl.DtsControlClient client)
    {
        _call = client.HandOverStream();
        _ = ReadAsync();
    }

    /// <summary>True once the stream failed or ended: the peer opens a new one.</summary>
    public bool IsBroken => Volatile.Read(ref _broken) is not null;

    /// <summary>
    /// Writes <paramref name="handover"/>'s request and waits for its reply. Throws <see cref="RpcException"/> when the
    /// stream broke before the reply came (the request may or may not have been applied), and
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> (the pipeline's timeout) fired.
    /// </summary>
    public async ValueTask<HandoverReply> HandOverAsync(PendingHandover handover, CancellationToken cancellationToken)
    {
        var id = handover.Request.HandoverId;
        lock (_pending)
        {
            if (_broken is { } broken)
            {
                throw Lost(broken);
            }
            if (!_pending.TryAdd(id, handover))
            {
                throw new InvalidOperationException($"Handover {id} is already on its way.");
            }
        }
        try
        {
            await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await _call.RequestStream.WriteAsync(handover.Request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // A write that failed or was cancelled midway leaves the stream unusable (part of a message may be out).
                Break("writing failed: " + ex.Message);
                if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                throw Lost(ex.Message);
            }
            finally
            {
                _writeLock.Release();
            }
            handover.Written = Stopwatch.GetTimestamp();
            return await handover.Task.WaitAsync(cancellationToken).ConfigureAwait(false) ?? throw Lost(Volatile.Read(ref _broken)!);
        }
        finally
        {
            lock (_pending)
            {
                _pending.Remove(id);
            }
        }
    }

    /// <summary>The one reader: hands each reply to the handover with its id, then breaks the stream when the call ends.</summary>
    private async Task ReadAsync()
    {
        var reason = "the target ended the stream";
        try
        {
            var replies = _call.ResponseStream;
            while (await replies.MoveNext(CancellationToken.None).ConfigureAwait(false))
            {
                var reply = replies.Current;
                PendingHandover? handover;
                lock (_pending)
                {
                    _pending.Remove(reply.HandoverId, out handover);
                }
                handover?.TrySetResult(reply);
            }
        }
        catch (Exception ex)
        {
            reason = ex.Message;
        }
        Break(reason);
    }

    /// <summary>Breaks the stream: the handovers waiting on it complete as "answer lost", and the call is cancelled.</summary>
    private void Break(string reason)
    {
        lock (_pending)
        {
            if (_broken is not null)
            {
                return;
            }
            Volatile.Write(ref _broken, reason);
            foreach (var handover in _pending.Values)
            {
                handover.TrySetResult(null); // continuations run asynchronously: not under this lock
            }
            _pending.Clear();
        }
        _call.Dispose();
    }

    private static RpcException Lost(string reason) => new(new Status(StatusCode.Unavailable, "control stream broke: " + reason));

    /// <remarks>The write lock is not disposed: a handover whose write failed may still release it (it has no wait handle to free).</remarks>
    public void Dispose() => Break("closed");
}
