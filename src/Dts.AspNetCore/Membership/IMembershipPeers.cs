namespace Dts.AspNetCore.Membership;

/// <summary>
/// What a peer said about its own contact with the membership store (<c>ProbeMembership</c> on the control channel).
/// </summary>
/// <param name="StoreContactAge">Time since the peer last renewed its lease; null when it holds none.</param>
/// <param name="Renewing">The peer's lease keepalives are answered: no failed etcd call or stream since its last answer.</param>
/// <param name="Fenced">The peer's own fencing verdict.</param>
internal sealed record PeerStoreContact(TimeSpan? StoreContactAge, bool Renewing, bool Fenced);

/// <summary>
/// Asks a peer about its store contact (<see cref="EtcdMembership"/>'s fencing decision). The real one goes over the
/// control channel (<see cref="ControlChannelMembershipPeers"/>); tests supply answers without it. Not on the data path.
/// </summary>
internal interface IMembershipPeers
{
    /// <summary>
    /// Asks node <paramref name="nodeId"/> within <paramref name="timeout"/>. Null when it can't be reached in time
    /// (unreachable, circuit open, error): the caller then assumes it may have contact.
    /// </summary>
    Task<PeerStoreContact?> ProbeAsync(string nodeId, TimeSpan timeout, CancellationToken cancellationToken);
}
