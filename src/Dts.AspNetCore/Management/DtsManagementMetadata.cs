namespace Dts.AspNetCore.Management;

/// <summary>
/// Endpoint metadata: the endpoint is served on the management endpoint only (<see cref="DtsManagementMatcherPolicy"/>).
/// Added by <c>RequireDtsManagement()</c>.
/// </summary>
internal sealed class DtsManagementMetadata
{
    public static DtsManagementMetadata Instance { get; } = new();
}
