using Dts.AspNetCore.Control;

namespace Dts.AspNetCore.Membership;

/// <summary>The <see cref="IMembershipPeers"/> of a node: <c>ProbeMembership</c> over the control channel.</summary>
internal sealed class ControlChannelMembershipPeers(ControlChannel channel) : IMembershipPeers
{
    public Task<PeerStoreContact?> ProbeAsync(string nodeId, TimeSpan timeout, CancellationToken cancellationToken) =>
        channel.ProbeMembershipAsync(nodeId, timeout, cancellationToken);
}
