using Dts.AspNetCore.Handover;
using Grpc.Core;

namespace Dts.AspNetCore.Control;

/// <summary>The target's server end of the control channel (mapped on the control port only).</summary>
internal sealed class ControlService(HandoverReceiver receiver) : DtsControl.DtsControlBase
{
    public override Task<HandoverReply> HandOver(HandoverRequest request, ServerCallContext context) =>
        receiver.ApplyAsync(request);

    public override Task<CancelReply> Cancel(CancelRequest request, ServerCallContext context) =>
        receiver.CancelAsync(request);
}
