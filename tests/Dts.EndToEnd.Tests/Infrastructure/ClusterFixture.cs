using System.Net.Http.Json;
using System.Text.Json;
using Dts.Core.Handover;
using Dts.Testbed;
using Dts.Testbed.Sample;

namespace Dts.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One testbed (switch, three nodes running the sample app, router, client) shared by a test collection.
/// Built with the repository's Release build of samples/Dts.Sample.Web; torn down at the end.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    private Testbed.Testbed? _testbed;

    public virtual HandoverMechanism Mechanism => HandoverMechanism.Repair;

    /// <summary>Where the nodes keep their membership (etcd by default, as a deployment does).</summary>
    protected virtual TestbedMembership Membership => TestbedMembership.Etcd;

    /// <summary>Extra configuration for every node, by configuration path (written into its n&lt;i&gt;.json).</summary>
    protected virtual IReadOnlyDictionary<string, string> NodeSettings { get; } = new Dictionary<string, string>();

    /// <summary>
    /// The sample's tracing (SampleTracing) on every node: spans to the node's log (the console exporter), only for requests
    /// that arrive with a sampled <c>traceparent</c> header, so that other tests' traffic neither traces nor logs.
    /// </summary>
    public static IReadOnlyDictionary<string, string> TracingSettings { get; } = new Dictionary<string, string>
    {
        ["OTEL_TRACES_EXPORTER"] = "console",
        ["OTEL_TRACES_SAMPLER"] = "parentbased_always_off",
    };

    public Testbed.Testbed Testbed => _testbed ?? throw new InvalidOperationException("testbed not up");

    public bool IsUp => _testbed is not null;

    public async Task InitializeAsync()
    {
        if (!RootCheck.IsRoot)
        {
            return;
        }
        var sample = SampleNodeProgram.Locate();
        if (!sample.Exists)
        {
            throw new InvalidOperationException($"{sample.DllPath} is missing: build the solution in Release first (./dts.sh test does).");
        }
        _testbed = await global::Dts.Testbed.Testbed.UpAsync(new TestbedOptions
        {
            Mechanism = Mechanism,
            Membership = Membership,
            NodeCommand = sample.Command,
            NodeWorkingDirectory = sample.WorkingDirectory,
            NodeSettings = TracingSettings.Concat(NodeSettings).GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Last().Value),
        });
    }

    public async Task DisposeAsync()
    {
        if (_testbed is not null)
        {
            await _testbed.DisposeAsync();
        }
    }

    /// <summary>Every node's <c>/dts/stats</c>, fetched through the router from the client namespace.</summary>
    public async Task<IReadOnlyList<JsonElement>> StatsAsync()
    {
        using var http = Testbed.CreateClientHttpClient(TimeSpan.FromSeconds(5));
        var all = new List<JsonElement>();
        for (var i = 1; i <= Testbed.NodeCount; i++)
        {
            all.Add(await http.GetFromJsonAsync<JsonElement>(Testbed.ManagementUri(i, "/dts/stats")));
        }
        return all;
    }

    /// <summary>The sum of one counter of <c>/dts/stats</c> over all nodes.</summary>
    public async Task<long> SumAsync(string counter) =>
        (await StatsAsync()).Sum(s => s.GetProperty(counter).GetInt64());

    /// <summary>The tail of every node's log, for assertion messages.</summary>
    public string Logs() => string.Join("\n", Enumerable.Range(1, Testbed.NodeCount).Select(i => $"--- n{i}\n{Testbed.NodeLogTail(i, 30)}"));
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster (Repair)";
}

/// <summary>A testbed whose nodes run the Splice mechanism.</summary>
public sealed class SpliceClusterFixture : ClusterFixture
{
    public override HandoverMechanism Mechanism => HandoverMechanism.Splice;
}

[CollectionDefinition(Name)]
public sealed class SpliceClusterCollection : ICollectionFixture<SpliceClusterFixture>
{
    public const string Name = "cluster (Splice)";
}

internal static class RootCheck
{
    public static bool IsRoot { get; } = File.ReadAllLines("/proc/self/status")
        .Any(l => l.StartsWith("Uid:", StringComparison.Ordinal) && l.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2] == "0");
}
