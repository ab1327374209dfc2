using System.Diagnostics;
using Dts.EndToEnd.Tests.Infrastructure;
using Dts.Demo;

namespace Dts.EndToEnd.Tests;

/// <summary>
/// <c>dts demo --quick</c> as a library call: its own testbed, real curl and wrk clients, a node killed and
/// restarted under load, the report. Runs alone
/// (its collection is not parallelized) so the other collections' testbeds don't share its two cores.
/// </summary>
[Collection(DemoCollection.Name)]
public sealed class DemoTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);

    [RootFact]
    public async Task RunAsync_Quick_NoErrorsBytesIntactHandedOverAndSummaryLast()
    {
        var output = new StringWriter();
        var runner = new DemoRunner(DemoOptions.CreateQuick(), output);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var stopwatch = Stopwatch.StartNew();
        var report = await runner.RunAsync(cts.Token);
        stopwatch.Stop();

        string text = output.ToString();
        string lastLine = text.TrimEnd('\n').Split('\n')[^1];
        Assert.Matches(@"^dts-demo: requests=\d+ handovers=\d+ fallbacks=\d+ errors=\d+ bytes_ok=(true|false) failover_ms=\d+$", lastLine);
        Assert.Equal(report.SummaryLine, lastLine);
        Assert.True(report.Errors == 0, text);
        Assert.True(report.BytesOk, text);
        Assert.True(report.Handovers > 0, text);
        Assert.True(report.Requests > 1000, text);
        // The failover act: a killed node's buckets answered again within the lease TTL (2 s) + 1 s.
        Assert.InRange(report.FailoverMs, 0, 3000);
        Assert.Equal(0, report.ExitCode);
        Assert.True(stopwatch.Elapsed < Budget, $"took {stopwatch.Elapsed.TotalSeconds:0.0} s\n{text}");
        Assert.DoesNotContain(global::Dts.Testbed.Testbed.List(), t => t.RunId == report.RunId);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DemoCollection
{
    public const string Name = "demo (own testbed, alone)";
}
