namespace Dts.AspNetCore;

/// <summary>One node of the cluster (an element of <c>Dts:Nodes</c>).</summary>
public sealed class DtsNodeOptions
{
    /// <summary>The node id that YARP destinations name in <c>Metadata["Dts.Node"]</c>, e.g. <c>n2</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>The node's unicast IP address: proxy fallback and control channel go there.</summary>
    public string Address { get; set; } = "";
}
