using Dts.Core.Handover;

namespace Dts.Testbed.Registry;

/// <summary>
/// What a running testbed leaves on disk so another process can list it, remove it, or act on its nodes
/// (<see cref="Testbed.TryOpen"/>: everything needed to rebuild its <see cref="TestbedLayout"/>).
/// </summary>
internal sealed record TestbedRecord
{
    public required string RunId { get; init; }

    public required int OwnerProcessId { get; init; }

    /// <summary>Kept after its owner exits (started by <c>dts testbed up</c>); only an explicit removal ends it.</summary>
    public bool Detached { get; init; }

    public required string RunDirectory { get; init; }

    public bool KeepRunDirectory { get; init; }

    public required IReadOnlyList<string> Namespaces { get; init; }

    public int NodeCount { get; init; }

    public string? Vip { get; init; }

    public ushort Port { get; init; }

    public string? ClientNamespace { get; init; }

    public DateTimeOffset CreatedUtc { get; init; }

    // The rest of TestbedOptions (null in entries written before they were recorded: such a testbed can't be opened).

    public string? NodeNetwork { get; init; }

    public string? ClientNetwork { get; init; }

    public ushort ControlPort { get; init; }

    /// <summary>The nodes' management port (entries written before it was recorded: the default, 9090).</summary>
    public ushort ManagementPort { get; init; } = 9090;

    public HandoverMechanism Mechanism { get; init; }

    public uint HashSeed { get; init; }

    public TestbedMembership? Membership { get; init; }

    public int Buckets { get; init; }

    public TimeSpan EtcdLeaseTtl { get; init; }

    public string? EtcdClusterToken { get; init; }

    public IReadOnlyList<string> NodeCommand { get; init; } = [];

    public string? NodeWorkingDirectory { get; init; }

    public IReadOnlyDictionary<string, string> NodeEnvironment { get; init; } = new Dictionary<string, string>();

    public TimeSpan ReadinessTimeout { get; init; }

    public TimeSpan StopGracePeriod { get; init; }
}
