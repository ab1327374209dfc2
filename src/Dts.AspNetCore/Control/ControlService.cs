using Dts.AspNetCore.Handover;
using Dts.AspNetCore.Membership;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Control;

/// <summary>The target's server end of the control channel (mapped on the control port only).</summary>
internal sealed class ControlService(HandoverReceiver receiver, IOptions<DtsOptions> options, IServiceProvider services) : DtsControl.DtsControlBase
{
    /// <summary>This node's membership-store contact (etcd membership only; static membership has no store to probe).</summary>
    public override Task<MembershipProbeAnswer> ProbeMembership(MembershipProbe request, ServerCallContext context)
    {
        if (services.GetService<EtcdMembership>() is not { } etcd)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "membership is static"));
        }
        var contact = etcd.AnswerProbe();
        return Task.FromResult(new MembershipProbeAnswer
        {
            Node = options.Value.NodeId,
            StoreContactAgeMs = contact.StoreContactAge is { } age ? (long)age.TotalMilliseconds : -1,
            Renewing = contact.Renewing,
            Fenced = contact.Fenced,
        });
    }

    public override Task<PingReply> Ping(PingRequest request, ServerCallContext context) =>
        Task.FromResult(new PingReply { Node = options.Value.NodeId, Mechanism = options.Value.Mechanism.ToString() });

    public override async Task<HandoverReply> HandOver(HandoverRequest request, ServerCallContext context)
    {
        var received = TimeProvider.System.GetTimestamp();
        if (!HandoverMessages.TryReadOffer(request, out var offer, out var reason))
        {
            return HandoverMessages.ToReply(HandoverAnswer.Refused(reason));
        }
        var answer = await receiver.ApplyAsync(offer, received).ConfigureAwait(false);
        receiver.RecordAnswered(answer, received);
        return HandoverMessages.ToReply(answer);
    }

    public override async Task<CancelReply> Cancel(CancelRequest request, ServerCallContext context) =>
        new() { WasApplied = await receiver.CancelAsync(request.HandoverId).ConfigureAwait(false) };
}
