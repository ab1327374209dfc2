using Dts.AspNetCore.Membership;

namespace Dts.AspNetCore.Tests;

/// <summary>
/// A membership whose view the test sets (<see cref="Set"/>): membership is not the data path, so nothing of the node
/// is faked by it. Starts with every given node active.
/// </summary>
internal sealed class TestMembership(params string[] active) : IClusterMembership
{
    public MembershipView View { get; private set; } = Of(1, active);

    public event Action<MembershipView>? Changed;

    /// <summary>A view at <paramref name="revision"/> with <paramref name="active"/> as the active members (each having applied nothing).</summary>
    public static MembershipView Of(long revision, params string[] active) =>
        new(revision, active.Select(id => new ClusterMember(id, MemberState.Active, null)).ToArray(), StoreReachable: true, Fenced: false);

    public void Set(MembershipView view)
    {
        View = view;
        Changed?.Invoke(view);
    }

    public Task PublishAppliedAsync(string fingerprint, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DrainAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
