namespace Dts.Testbed.Sample;

/// <summary>
/// The sample app's routes (<c>appsettings/appsettings.json</c>) as the demo and the bench drive them: <c>/</c> is round robin
/// over every node, <c>/static</c> is served by n2, <c>/api</c> by n3. Those node ids are fixed in the sample's
/// configuration, so for other node counts the testbed's users add node settings (<see cref="NodeSettings"/>): with more than three nodes the extra
/// ones join the round-robin cluster; with fewer, the destinations n2/n3 are served by existing nodes.
/// </summary>
public static class SampleRoutes
{
    /// <summary>Route prefixes, in the order the demo uses them.</summary>
    public static IReadOnlyList<string> Prefixes { get; } = ["", "/static", "/api"];

    /// <summary>The node id that must serve <paramref name="prefix"/>, or <see langword="null"/> for round robin.</summary>
    public static string? ExpectedNode(string prefix, int nodeCount) => prefix switch
    {
        "/static" => MappedNode(2, nodeCount),
        "/api" => MappedNode(3, nodeCount),
        _ => null,
    };

    /// <summary>Human-readable route name for tables: <c>/ (any)</c>, <c>/static (n2)</c>, <c>/api (n3)</c>.</summary>
    public static string Describe(string prefix, int nodeCount) =>
        $"{(prefix.Length == 0 ? "/" : prefix)} ({ExpectedNode(prefix, nodeCount) ?? "any"})";

    /// <summary>Extra node configuration so that the sample's routes fit <paramref name="nodeCount"/> nodes.</summary>
    public static IReadOnlyDictionary<string, string> NodeSettings(int nodeCount)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 4; i <= nodeCount; i++)
        {
            settings[$"ReverseProxy:Clusters:any:Destinations:n{i}:Metadata:Dts.Node"] = TestbedLayout.NodeId(i);
        }

        for (int i = nodeCount + 1; i <= 3; i++)
        {
            settings[$"ReverseProxy:Clusters:any:Destinations:n{i}:Metadata:Dts.Node"] = MappedNode(i, nodeCount);
        }

        if (nodeCount < 2)
        {
            settings["ReverseProxy:Clusters:static:Destinations:n2:Metadata:Dts.Node"] = MappedNode(2, nodeCount);
        }

        if (nodeCount < 3)
        {
            settings["ReverseProxy:Clusters:api:Destinations:n3:Metadata:Dts.Node"] = MappedNode(3, nodeCount);
        }

        return settings;
    }

    private static string MappedNode(int node, int nodeCount) => TestbedLayout.NodeId(((node - 1) % nodeCount) + 1);
}
