using Dts.AspNetCore.Handover;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Control;

/// <summary>The target's server end of the control channel (mapped on the control port only).</summary>
internal sealed class ControlService(HandoverReceiver receiver, IOptions<DtsOptions> options) : DtsControl.DtsControlBase
{
    public override Task<PingReply> Ping(PingRequest request, ServerCallContext context) =>
        Task.FromResult(new PingReply { Node = options.Value.NodeId, Mechanism = options.Value.Mechanism.ToString() });

    public override async Task<HandoverReply> HandOver(HandoverRequest request, ServerCallContext context)
    {
        if (!HandoverMessages.TryReadOffer(request, out var offer, out var reason))
        {
            return HandoverMessages.ToReply(HandoverAnswer.Refused(reason));
        }
        return HandoverMessages.ToReply(await receiver.ApplyAsync(offer).ConfigureAwait(false));
    }

    public override async Task<CancelReply> Cancel(CancelRequest request, ServerCallContext context) =>
        new() { WasApplied = await receiver.CancelAsync(request.HandoverId).ConfigureAwait(false) };
}
