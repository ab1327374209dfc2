using Dts.Core.Telemetry;

namespace Dts.Demo;

/// <summary>
/// The outcome of one <see cref="DemoRunner.RunAsync"/>: what the clients saw and what the nodes counted.
/// <see cref="SummaryLine"/> is the last line the demo prints.
/// </summary>
public sealed record DemoReport
{
    /// <summary>The testbed's run id (namespaces <c>dts-&lt;runid&gt;-*</c>); <see langword="null"/> when it never came up.</summary>
    public string? RunId { get; init; }

    /// <summary>HTTP requests the demo's clients made: wrk's completed requests plus every curl request.</summary>
    public long Requests { get; init; }

    /// <summary>Connections handed over: the sum of the nodes' <c>handoversOut</c>.</summary>
    public long Handovers { get; init; }

    /// <summary>Handovers that failed and were served by a fallback instead (not errors: the client got its answer).</summary>
    public long HandoverFailures { get; init; }

    /// <summary>Requests served by a fallback: the sum of the nodes' <c>fallbacks</c> and <c>rejected</c>.</summary>
    public long Fallbacks { get; init; }

    /// <summary>Failed requests, non-2xx answers, socket errors, hash mismatches, crashed nodes, demo failures.</summary>
    public long Errors { get; init; }

    /// <summary>Every download and upload arrived byte for byte (and at least one was made).</summary>
    public bool BytesOk { get; init; }

    /// <summary>The demo was stopped (Ctrl+C) before it finished.</summary>
    public bool Cancelled { get; init; }

    /// <summary>Why the demo stopped early, or <see langword="null"/>.</summary>
    public string? Failure { get; init; }

    /// <summary>The first errors, described.</summary>
    public IReadOnlyList<string> ErrorDescriptions { get; init; } = [];

    /// <summary>Per node, counters of the demo's traffic only.</summary>
    public IReadOnlyList<DtsStats> Nodes { get; init; } = [];

    /// <summary>
    /// The failover act's failover time: from <c>kill -9</c> of a node under load until every new connection
    /// succeeded again (<see cref="Testbed.Load.FailoverReport.Failover"/>), in ms; −1 when the act did not run.
    /// </summary>
    public long FailoverMs { get; init; } = -1;

    /// <summary>The failover act's requests that failed after the kill (expected only inside the lease TTL window).</summary>
    public long RequestsLost { get; init; }

    /// <summary>Wall-clock time of the whole demo, testbed up and down included.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary><see langword="true"/> when nothing went wrong: no errors, all bytes intact, not cancelled.</summary>
    public bool Succeeded => Errors == 0 && BytesOk && !Cancelled && Failure is null;

    /// <summary>The process exit code for this outcome: 0 on success, 130 when cancelled, 1 otherwise.</summary>
    public int ExitCode => Succeeded ? 0 : Cancelled ? 130 : 1;

    /// <summary><c>dts-demo: requests=&lt;n&gt; handovers=&lt;n&gt; fallbacks=&lt;n&gt; errors=&lt;n&gt; bytes_ok=&lt;true|false&gt; failover_ms=&lt;n&gt;</c>.</summary>
    public string SummaryLine =>
        $"dts-demo: requests={Requests} handovers={Handovers} fallbacks={Fallbacks} errors={Errors} bytes_ok={(BytesOk ? "true" : "false")} failover_ms={FailoverMs}";
}
