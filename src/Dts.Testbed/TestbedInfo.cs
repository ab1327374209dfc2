namespace Dts.Testbed;

/// <summary>A testbed found on this machine (by its namespaces and its registry entry), for listing and cleanup.</summary>
/// <param name="RunId">The run id (namespaces are <c>dts-&lt;runid&gt;-*</c>).</param>
/// <param name="Namespaces">Its namespaces that exist now.</param>
/// <param name="OwnerProcessId">The process that brought it up, when known.</param>
/// <param name="IsOwnerAlive">Whether that process still runs.</param>
/// <param name="IsDetached">Started by <c>dts testbed up</c>: kept after its owner exits until removed explicitly.</param>
/// <param name="IsLeftover">Its owner died and it is not detached: <see cref="Testbed.CleanupAsync"/> removes it.</param>
/// <param name="RunDirectory">Its run directory, when known.</param>
/// <param name="NodeCount">Its number of nodes, when known.</param>
/// <param name="Vip">Its VIP, when known.</param>
/// <param name="Port">Its service port, when known (0 otherwise).</param>
/// <param name="ClientNamespace">Its client namespace, when known.</param>
public sealed record TestbedInfo(
    string RunId,
    IReadOnlyList<string> Namespaces,
    int? OwnerProcessId,
    bool IsOwnerAlive,
    bool IsDetached,
    bool IsLeftover,
    string? RunDirectory,
    int? NodeCount,
    string? Vip,
    ushort Port,
    string? ClientNamespace);
