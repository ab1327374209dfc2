namespace Dts.AspNetCore.Membership;

internal sealed partial class EtcdMembership
{
    /// <summary>
    /// Builds the view from the current state and, when it differs from the last one, raises <see cref="Changed"/>
    /// (serialized: the last view raised is always the newest). Logs the transitions: reachability, fencing, members.
    /// Call without holding <c>_gate</c>.
    /// </summary>
    private void Publish()
    {
        bool? reachableNow = null, fencedNow = null;
        string? members = null;
        MembershipView view;
        string? failure, fenceReason;
        lock (_gate)
        {
            var reachable = _leaseHealthy && _watchHealthy;
            if (reachable != _reportedReachable)
            {
                reachableNow = _reportedReachable = reachable;
            }
            if (_fenced != _reportedFenced)
            {
                fencedNow = _reportedFenced = _fenced;
            }
            failure = _lastFailure;
            fenceReason = _fenceReason;
            view = _view;
            if (_started)
            {
                var current = _members.Values.ToArray();
                if (view.Revision != _revision || view.StoreReachable != reachable || view.Fenced != _fenced || !view.Members.SequenceEqual(current))
                {
                    if (!view.Members.Select(m => (m.NodeId, m.State)).SequenceEqual(current.Select(m => (m.NodeId, m.State))))
                    {
                        members = Describe(current);
                    }
                    _view = view = new MembershipView(_revision, current, reachable, _fenced);
                }
            }
        }
        if (reachableNow == false)
        {
            Log.StoreUnreachable(_logger, view.Revision, failure ?? "");
        }
        else if (reachableNow == true)
        {
            Log.StoreReachable(_logger, view.Revision);
        }
        if (fencedNow == true)
        {
            Log.Fenced(_logger, fenceReason ?? "");
        }
        else if (fencedNow == false)
        {
            Log.Unfenced(_logger);
        }
        if (members is not null)
        {
            Log.ViewChanged(_logger, view.Revision, members);
        }
        RaiseChanged();
    }

    private void RaiseChanged()
    {
        lock (_raiseGate)
        {
            var view = View;
            if (!_started || ReferenceEquals(view, _raised))
            {
                return;
            }
            _raised = view;
            Changed?.Invoke(view);
        }
    }
}
