namespace Dts.Testbed.Registry;

/// <summary>What a running testbed leaves on disk so another process can list or remove it.</summary>
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
}
