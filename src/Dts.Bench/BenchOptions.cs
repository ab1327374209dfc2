namespace Dts.Bench;

/// <summary>
/// What <see cref="BenchRunner"/> measures and how long. Every (mode, workload) cell runs once per round for
/// <see cref="CellDuration"/>; rounds interleave the modes (rotated each round) so that machine drift hits them
/// alike. <see cref="CreateFull"/> takes about 7 minutes, <see cref="CreateQuick"/> under 3.
/// </summary>
public sealed record BenchOptions
{
    /// <summary>Name of the preset, printed in the header and the README (<c>full</c>, <c>quick</c>).</summary>
    public string Profile { get; init; } = "full";

    /// <summary>The modes, in the order of the first round.</summary>
    public IReadOnlyList<BenchMode> Modes { get; init; } = Enum.GetValues<BenchMode>();

    /// <summary>The workloads, run in this order inside each round.</summary>
    public IReadOnlyList<BenchWorkload> Workloads { get; init; } = Enum.GetValues<BenchWorkload>();

    /// <summary>Rounds; each runs every (mode, workload) cell once.</summary>
    public int Rounds { get; init; } = 5;

    /// <summary>
    /// How long one cell keeps starting requests. Transfers started before the end complete; a cell always completes
    /// at least one request per worker. Its elapsed time (start to last completion) is what rates are divided by.
    /// </summary>
    public TimeSpan CellDuration { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Requests in flight at once in w1 and w2 (one worker each; in w2, one keep-alive connection each); w0 always runs one.</summary>
    public int RequestConcurrency { get; init; } = 8;

    /// <summary>Transfers in flight at once in w3 and w4.</summary>
    public int TransferConcurrency { get; init; } = 1;

    /// <summary>Response size of w0, w1 and w2, bytes.</summary>
    public int SmallResponseBytes { get; init; } = 1024;

    /// <summary>Size of each w3 download, bytes.</summary>
    public long DownloadBytes { get; init; } = 64L << 20;

    /// <summary>Size of each w4 upload, bytes.</summary>
    public int UploadBytes { get; init; } = 8 << 20;

    /// <summary>
    /// Warm-up of w1 and w2 per mode before the first round: the nodes' JIT (tiered compilation of Kestrel, YARP, gRPC
    /// and the handover path takes seconds of CPU on two cores; measured before it settles, handovers look several
    /// times slower), connection pools, YARP's and nginx's upstream connections. w0 takes the same path as w1, so it
    /// warms up for this long only when w1 is not measured (one request otherwise).
    /// </summary>
    public TimeSpan WarmupDuration { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Where to write the JSON results; <see langword="null"/>: none.</summary>
    public string? JsonPath { get; init; }

    /// <summary>Where to write the chart (an <c>.svg</c> file); <see langword="null"/>: none.</summary>
    public string? ChartPath { get; init; }

    /// <summary>README whose <c>## Measured results</c> section is replaced (appended when missing); <see langword="null"/>: none.</summary>
    public string? ReadmePath { get; init; }

    /// <summary>The full run: 5 rounds of 3 s per cell (about 7 minutes with 5 modes and 5 workloads).</summary>
    public static BenchOptions CreateFull() => new();

    /// <summary>The quick run: 2 rounds of 1.5 s per cell and half the warm-up (under 3 minutes).</summary>
    public static BenchOptions CreateQuick() => new()
    {
        Profile = "quick",
        Rounds = 2,
        CellDuration = TimeSpan.FromSeconds(1.5),
        WarmupDuration = TimeSpan.FromSeconds(1.5),
    };

    /// <summary>Requests (w0–w2) or transfers (w3/w4) in flight at once in a cell of <paramref name="workload"/>: w0 runs one.</summary>
    public int ConcurrencyOf(BenchWorkload workload) => workload switch
    {
        BenchWorkload.W0 => 1,
        _ when workload.IsTransfer() => TransferConcurrency,
        _ => RequestConcurrency,
    };

    /// <summary>Every problem with these options; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Modes.Count == 0 || Modes.Distinct().Count() != Modes.Count)
        {
            errors.Add("Modes must be a non-empty list without duplicates.");
        }

        if (Workloads.Count == 0 || Workloads.Distinct().Count() != Workloads.Count)
        {
            errors.Add("Workloads must be a non-empty list without duplicates.");
        }

        if (Rounds < 1)
        {
            errors.Add($"Rounds must be positive, not {Rounds}.");
        }

        if (CellDuration <= TimeSpan.Zero || WarmupDuration < TimeSpan.Zero)
        {
            errors.Add("CellDuration must be positive and WarmupDuration not negative.");
        }

        if (RequestConcurrency < 1 || TransferConcurrency < 1)
        {
            errors.Add("Concurrency must be positive.");
        }

        if (SmallResponseBytes < 1 || DownloadBytes < 1 || UploadBytes < 1)
        {
            errors.Add("Sizes must be positive.");
        }

        if (ChartPath is not null && !ChartPath.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"ChartPath must end in .svg, not '{ChartPath}'.");
        }

        return errors;
    }
}
