namespace Dts.Testbed.Configuration;

/// <summary>One entry of <see cref="DtsSection.Nodes"/> (Dts.AspNetCore's <c>DtsNodeOptions</c>).</summary>
/// <param name="Id">The node id, <c>n1</c>, <c>n2</c>, ….</param>
/// <param name="Address">Its unicast address.</param>
internal sealed record DtsSectionNode(string Id, string Address);
