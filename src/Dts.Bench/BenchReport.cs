namespace Dts.Bench;

/// <summary>Everything one benchmark run produced.</summary>
public sealed record BenchReport
{
    /// <summary>The repository commit measured (short hash, <c>+dirty</c> with uncommitted changes).</summary>
    public required string Commit { get; init; }

    /// <summary>When the run started, UTC, ISO 8601.</summary>
    public required string Date { get; init; }

    /// <summary>CPU, cores, memory, OS, kernel and .NET runtime.</summary>
    public required string Machine { get; init; }

    /// <summary>The options' preset name.</summary>
    public required string Profile { get; init; }

    /// <summary>The options the run used.</summary>
    public required BenchOptions Options { get; init; }

    /// <summary>One row per (mode, workload), in the options' order; rows with <see cref="BenchResult.Missing"/> carry no valid figures.</summary>
    public IReadOnlyList<BenchResult> Results { get; init; } = [];

    /// <summary>Handover phases per mechanism from the nodes' histograms.</summary>
    public IReadOnlyList<BenchPhase> Phases { get; init; } = [];

    /// <summary>Per mechanism and side, the fraction of a handover's wall time the phases cover; empty when the nodes do not report it.</summary>
    public IReadOnlyList<BenchPhaseCoverage> PhaseCoverage { get; init; } = [];

    /// <summary>Errors that fail the run (every mode but Splice; Splice's are in <see cref="SpliceErrors"/>).</summary>
    public long Errors { get; init; }

    /// <summary>Errors of the Splice rows, counted apart: they mark Splice missing instead of failing the run.</summary>
    public long SpliceErrors { get; init; }

    /// <summary>The first error descriptions.</summary>
    public IReadOnlyList<string> ErrorDescriptions { get; init; } = [];

    /// <summary>Set when the run stopped early; the exception's first line.</summary>
    public string? Failure { get; init; }

    /// <summary>Ctrl+C.</summary>
    public bool Cancelled { get; init; }

    /// <summary>Wall time of the whole run.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The targets checked on <see cref="Results"/>.</summary>
    public IReadOnlyList<BenchTargetCheck> Targets => BenchTargets.Check(Results);

    /// <summary>0 when every non-Splice request was verified and nothing failed; 1 otherwise.</summary>
    public int ExitCode => Errors == 0 && Failure is null && !Cancelled && Results.Count > 0 ? 0 : 1;

    /// <summary>The last line of the output.</summary>
    public string SummaryLine =>
        $"dts-bench: rows={Results.Count(r => r.Missing is null)} missing={Results.Count(r => r.Missing is not null)} errors={Errors} splice_errors={SpliceErrors} "
        + $"targets_met={Targets.Count(t => t.Met == true)}/{Targets.Count} bytes_ok={(Errors == 0 && Failure is null).ToString().ToLowerInvariant()}";
}
