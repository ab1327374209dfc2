using Dts.AspNetCore.Mechanisms;
using Dts.AspNetCore.Telemetry;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Dts.AspNetCore.Connections;

/// <summary>
/// Kestrel connection middleware on the service endpoint (<c>ListenOptions.Use</c>, 0.0.0.0:Port): a connection to
/// the node's own address passes untouched; on one to the VIP it wraps the transport so
/// that the bytes read before the dispatch decision are recorded and the output can be silenced, and
/// attaches <see cref="DtsConnectionFeature"/>. A connection that arrived by handover carries
/// <see cref="AdoptedConnectionInfo"/> (<see cref="HandoverArrivals"/>) and is served as it is. Every connection to
/// the VIP counts in <see cref="DtsTelemetry"/>'s active flows while Kestrel runs it.
/// </summary>
internal sealed class DtsConnectionMiddleware(ConnectionDelegate next, DtsOptions options, IHandoverMechanism mechanism, DtsTelemetry telemetry)
{
    private readonly System.Net.IPAddress _vip = System.Net.IPAddress.Parse(options.Vip);

    public Task OnConnectionAsync(ConnectionContext context)
    {
        if (HandoverArrivals.FlowOf(context) is not { } flow || !flow.Local.Address.Equals(_vip))
        {
            return next(context);
        }
        var socket = context.Features.Get<IConnectionSocketFeature>()?.Socket;
        var adopted = context.Features.Get<AdoptedConnectionInfo>();

        DtsDuplexPipe? pipe = null;
        if (adopted is null)
        {
            pipe = new DtsDuplexPipe(
                new RecordingPipeReader(context.Transport.Input, options.MaxRecordedBytes),
                new SilenceablePipeWriter(context.Transport.Output));
            context.Transport = pipe;
        }

        var feature = new DtsConnectionFeature
        {
            Flow = flow,
            Socket = socket,
            Anchor = adopted is null ? context.Features.Get<Dts.Linux.Tcp.TcpCheckpointAnchor>() : null,
            MechanismState = adopted is null && socket is not null ? mechanism.OnAccepted(socket) : null,
            Pipe = pipe,
            ArrivedByHandover = adopted is not null,
            OriginNodeId = adopted?.OriginNodeId,
            HandoverId = adopted?.HandoverId,
        };
        context.Features.Set(feature);
        context.Features.Set<IDtsHandoverFeature>(feature);
        return RunCountedAsync(context);
    }

    private async Task RunCountedAsync(ConnectionContext context)
    {
        telemetry.FlowOpened();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            telemetry.FlowClosed();
        }
    }
}
