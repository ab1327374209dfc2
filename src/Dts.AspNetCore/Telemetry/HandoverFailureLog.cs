using Dts.Core.Telemetry;

namespace Dts.AspNetCore.Telemetry;

/// <summary>
/// The last <see cref="DtsStats.RecentFailuresCapacity"/> failed handovers, a ring under a lock held for one array
/// store (written only on the failure path, read by <c>/dts/stats</c>); the oldest entry is overwritten first.
/// </summary>
internal sealed class HandoverFailureLog
{
    private readonly DtsHandoverFailure[] _ring = new DtsHandoverFailure[DtsStats.RecentFailuresCapacity];
    private readonly Lock _lock = new();
    private long _written;

    public void Add(DtsHandoverFailure failure)
    {
        lock (_lock)
        {
            _ring[_written++ % _ring.Length] = failure;
        }
    }

    /// <summary>The entries kept, newest first.</summary>
    public DtsHandoverFailure[] Snapshot()
    {
        lock (_lock)
        {
            var count = (int)Math.Min(_written, _ring.Length);
            var result = new DtsHandoverFailure[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = _ring[(_written - 1 - i) % _ring.Length];
            }
            return result;
        }
    }
}
