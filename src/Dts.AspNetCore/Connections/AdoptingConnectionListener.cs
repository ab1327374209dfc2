using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;

namespace Dts.AspNetCore.Connections;

/// <summary>
/// The VIP listener: merges the connections Kestrel's listener accepts with those adopted after a handover, and
/// marks every connection that arrives by handover (<see cref="HandoverArrivals"/>).
/// </summary>
internal sealed class AdoptingConnectionListener : IConnectionListener
{
    private readonly IConnectionListener _inner;
    private readonly HandoverArrivals _arrivals;
    private readonly Channel<ConnectionContext> _accepted = Channel.CreateUnbounded<ConnectionContext>(
        // Kestrel's accept loop continues on the writer's thread (it only queues the connection to the thread pool
        // and waits again): one thread hop less between a restore (or an accept) and the request's first read.
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });
    private readonly Task _pump;

    public AdoptingConnectionListener(IConnectionListener inner, HandoverArrivals arrivals)
    {
        _inner = inner;
        _arrivals = arrivals;
        _arrivals.Attach(_accepted.Writer);
        _pump = PumpAsync();
    }

    public EndPoint EndPoint => _inner.EndPoint;

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _accepted.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        _arrivals.Detach(_accepted.Writer);
        await _inner.UnbindAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _arrivals.Detach(_accepted.Writer);
        await _inner.DisposeAsync().ConfigureAwait(false);
        await _pump.ConfigureAwait(false);
    }

    private async Task PumpAsync()
    {
        await Task.Yield();
        try
        {
            while (await _inner.AcceptAsync().ConfigureAwait(false) is { } connection)
            {
                _arrivals.Claim(connection);
                await _accepted.Writer.WriteAsync(connection).ConfigureAwait(false);
            }
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            _accepted.Writer.TryComplete();
        }
    }
}
