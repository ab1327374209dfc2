namespace Dts.Bench;

/// <summary>One target of the issue, checked against one run's ratios.</summary>
/// <param name="Name">What is compared, e.g. <c>w3 MB/s: repair ≥ 0.95 × direct</c>.</param>
/// <param name="Measured">The measured value, in words (e.g. <c>0.97 × direct</c>).</param>
/// <param name="Met"><see langword="true"/>: met; <see langword="false"/>: missed; <see langword="null"/>: not measurable in this run.</param>
/// <param name="Shortfall">When missed, by how much in words; when not measurable, why.</param>
public sealed record BenchTargetCheck(string Name, string Measured, bool? Met, string? Shortfall);
