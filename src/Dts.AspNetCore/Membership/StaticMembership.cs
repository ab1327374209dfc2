using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Membership;

/// <summary>
/// <c>Dts:Membership=Static</c>: every node of <c>Dts:Nodes</c> is an active member, always, and every one is taken
/// to have applied every table (there is nothing to wait for: all nodes compute the same fixed table). Nothing fails
/// over; a dead node's buckets stay unanswered until it comes back.
/// </summary>
internal sealed class StaticMembership(IOptions<DtsOptions> options) : IClusterMembership
{
    private MembershipView? _view;

    public MembershipView View => _view ??= Build(draining: false);

    public event Action<MembershipView>? Changed;

    public Task PublishAppliedAsync(string fingerprint, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DrainAsync(CancellationToken cancellationToken)
    {
        _view = Build(draining: true);
        Changed?.Invoke(_view);
        return Task.CompletedTask;
    }

    private MembershipView Build(bool draining)
    {
        var o = options.Value;
        var ids = o.Nodes.Select(n => n.Id).Order(StringComparer.Ordinal).ToArray();
        var active = ids.Where(id => !(draining && id == o.NodeId)).ToArray();
        var fingerprint = BucketTable.Fingerprint(o.Buckets, active);
        var members = ids.Select(id => new ClusterMember(
            id, draining && id == o.NodeId ? MemberState.Draining : MemberState.Active, fingerprint)).ToArray();
        return new MembershipView(0, members, StoreReachable: true, Fenced: false);
    }
}
