using Dts.AspNetCore.Handover;
using Grpc.Core;

namespace Dts.AspNetCore.Control;

/// <summary>The target's server end of the control channel (mapped on the control port only).</summary>
internal sealed class ControlService(HandoverReceiver receiver, Microsoft.Extensions.Options.IOptions<DtsOptions> options) : DtsControl.DtsControlBase
{
    public override Task<PingReply> Ping(PingRequest request, ServerCallContext context) =>
        Task.FromResult(new PingReply { Node = options.Value.NodeId, Mechanism = options.Value.Mechanism.ToString() });

    public override Task<HandoverReply> HandOver(HandoverRequest request, ServerCallContext context) =>
        receiver.ApplyAsync(request);

    public override Task<CancelReply> Cancel(CancelRequest request, ServerCallContext context) =>
        receiver.CancelAsync(request);
}
