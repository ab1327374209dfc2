namespace Dts.AspNetCore.Flow;

/// <summary>
/// The packet mark of the flow table's marked set (<see cref="FlowOwnership.AddMarked"/>), for a mechanism whose
/// packet path runs in user space: its registration sets it (Splice: its NFQUEUE steering mark).
/// </summary>
internal sealed class FlowMarkOptions
{
    /// <summary>The mark set on both directions of a marked flow's packets; null (default): the table has no marked set.</summary>
    public uint? Mark { get; set; }
}
