using Dts.Core.Handover;
using Dts.Testbed.Sample;

namespace Dts.Demo;

/// <summary>
/// What <see cref="DemoRunner"/> does: the cluster it builds and how much client traffic it drives through it.
/// <see cref="CreateFull"/> (about a minute) and <see cref="CreateQuick"/> (about half that) are the two presets
/// behind <c>dts demo</c> and <c>dts demo --quick</c>.
/// </summary>
public sealed record DemoOptions
{
    /// <summary>Handover mechanism of every node.</summary>
    public HandoverMechanism Mechanism { get; init; } = HandoverMechanism.Repair;

    /// <summary>Number of nodes (1–89). The sample's routes name n1–n3; see <see cref="SampleRoutes"/> for other counts.</summary>
    public int NodeCount { get; init; } = 3;

    /// <summary>Leave the testbed up (detached) after the demo; <c>dts testbed down</c> removes it.</summary>
    public bool Keep { get; init; }

    /// <summary>Name of the preset, printed in the header (<c>full</c>, <c>quick</c>).</summary>
    public string Profile { get; init; } = "full";

    /// <summary>Duration of each wrk run (one per route and connection mode: six runs); at least 2 s, whole seconds.</summary>
    public TimeSpan LoadDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Connections each wrk run keeps open (<c>wrk -c</c>); one thread (<c>-t1</c>).</summary>
    public int LoadConnections { get; init; } = 8;

    /// <summary>Size of each download in bytes (<c>GET …/bytes/{n}</c>).</summary>
    public long DownloadBytes { get; init; } = 64L << 20;

    /// <summary>Downloads per route, each on a new connection.</summary>
    public int DownloadsPerRoute { get; init; } = 2;

    /// <summary>Size of each upload in bytes (<c>POST …/echo</c>).</summary>
    public int UploadBytes { get; init; } = 1 << 20;

    /// <summary>Uploads per route, each on a new connection.</summary>
    public int UploadsPerRoute { get; init; } = 4;

    /// <summary>The full demo: 5 s per wrk run, two 64 MiB downloads and four 1 MiB uploads per route.</summary>
    public static DemoOptions CreateFull() => new();

    /// <summary>The quick demo: 2 s per wrk run, one 64 MiB download and two 1 MiB uploads per route.</summary>
    public static DemoOptions CreateQuick() => new()
    {
        Profile = "quick",
        LoadDuration = TimeSpan.FromSeconds(2),
        DownloadsPerRoute = 1,
        UploadsPerRoute = 2,
    };

    /// <summary>Every problem with these options; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Mechanism))
        {
            errors.Add($"Mechanism must be {string.Join(" or ", Enum.GetNames<HandoverMechanism>())}, not '{Mechanism}'.");
        }

        if (NodeCount is < 1 or > 89)
        {
            errors.Add($"NodeCount must be in 1..89, not {NodeCount}.");
        }

        if (LoadDuration < TimeSpan.FromSeconds(2))
        {
            errors.Add($"LoadDuration must be at least 2 s (stalled requests are those unanswered for 1 s), not {LoadDuration.TotalSeconds} s.");
        }

        if (LoadConnections < 1)
        {
            errors.Add($"LoadConnections must be positive, not {LoadConnections}.");
        }

        if (DownloadBytes < 0 || UploadBytes < 0 || DownloadsPerRoute < 0 || UploadsPerRoute < 0)
        {
            errors.Add("Transfer sizes and counts must not be negative.");
        }

        return errors;
    }
}
