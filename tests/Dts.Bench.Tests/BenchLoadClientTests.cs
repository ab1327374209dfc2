using Dts.Core.Handover;
using Dts.Testbed;
using Dts.Testbed.Sample;
using DtsTestbed = Dts.Testbed.Testbed;

namespace Dts.Bench.Tests;

/// <summary>The load client against a real Repair testbed running the sample.</summary>
public sealed class BenchLoadClientTests
{
    /// <summary>
    /// w0 sends one request at a time even with <see cref="BenchOptions.RequestConcurrency"/> 8: its requests never
    /// overlap, so their latencies add up to no more than the cell's time — while w1's 8 in flight add up to more.
    /// </summary>
    [RootFact]
    public async Task RunCellAsync_W0_OneRequestAtATimeWithTtfbBeforeTheBody()
    {
        var sample = SampleNodeProgram.Locate();
        Assert.True(sample.Exists, $"the sample node program is not built: {sample.DllPath}");
        await using var tb = await DtsTestbed.UpAsync(new TestbedOptions
        {
            Mechanism = HandoverMechanism.Repair,
            NodeCount = 3,
            NodeCommand = sample.Command,
            NodeWorkingDirectory = sample.WorkingDirectory,
            NodeSettings = SampleRoutes.NodeSettings(3),
        });
        using var cluster = await BenchCluster.CreateAsync(tb, HandoverMechanism.Repair);
        var options = BenchOptions.CreateQuick() with { RequestConcurrency = 8 };
        var payloads = new BenchPayloads(options);
        var endpoint = BenchEndpoint.For(BenchMode.Repair, cluster, BenchRunner.NginxPort);
        var duration = TimeSpan.FromSeconds(1);

        var w0 = await BenchLoadClient.RunCellAsync(endpoint, BenchWorkload.W0, options, payloads, duration, CancellationToken.None);
        var w1 = await BenchLoadClient.RunCellAsync(endpoint, BenchWorkload.W1, options, payloads, duration, CancellationToken.None);

        Assert.True(w0.Errors == 0 && w1.Errors == 0, string.Join("; ", w0.ErrorDescriptions.Concat(w1.ErrorDescriptions)));
        Assert.True(w0.Requests > 1, $"w0 completed {w0.Requests} requests in {duration}");
        Assert.Equal(w0.Requests * options.SmallResponseBytes, w0.Bytes);
        Assert.True(w0.LatenciesUs.Sum() <= w0.Elapsed.TotalMicroseconds, $"w0 latencies sum to {w0.LatenciesUs.Sum():0} µs in a {w0.Elapsed.TotalMicroseconds:0} µs cell: requests overlapped");
        Assert.True(w1.LatenciesUs.Sum() > w1.Elapsed.TotalMicroseconds, $"w1 latencies sum to {w1.LatenciesUs.Sum():0} µs in a {w1.Elapsed.TotalMicroseconds:0} µs cell: not concurrent");
        Assert.Equal(w0.LatenciesUs.Count, w0.TtfbUs.Count);
        Assert.All(w0.LatenciesUs.Zip(w0.TtfbUs), x => Assert.InRange(x.Second, 1, x.First));
    }
}
