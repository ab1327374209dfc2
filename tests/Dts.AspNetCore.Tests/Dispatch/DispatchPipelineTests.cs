using Dts.AspNetCore.Dispatch;
using Dts.AspNetCore.Membership;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Dts.AspNetCore.Tests.Dispatch;

/// <summary>
/// The dispatch decision is YARP's: these run the repository's routes through real YARP, with the node's Static
/// membership (every node active; its options are validated, hence the certificates) unless a test sets its own.
/// </summary>
public sealed class DispatchPipelineTests : IDisposable
{
    private readonly TestCertificates _certificates = new();
    private readonly ServiceProvider _services;

    public DispatchPipelineTests() => _services = TestServices.Build(TestConfig.Build(certDir: _certificates.Directory));

    [Theory]
    [InlineData("/static/hello.txt", "static", "n2")]
    [InlineData("/api/whoami", "api", "n3")]
    [InlineData("/api", "api", "n3")]
    public async Task DecideAsync_ContentRoute_PicksTheRoutesNode(string path, string route, string node)
    {
        var decision = await DecideAsync("GET", path);

        Assert.NotNull(decision);
        Assert.Equal(route, decision.RouteId);
        Assert.Equal(node, decision.NodeId);
        Assert.Equal($"http://198.18.0.1{node[1]}:80", decision.DestinationAddress);
        Assert.Equal(DtsFallbackMode.Proxy, decision.Fallback);
    }

    [Fact]
    public async Task DecideAsync_ProxiedRoute_DisallowsHandover()
    {
        var decision = await DecideAsync("GET", "/proxied/bytes/10");

        Assert.Equal(("proxied", "n3", false), (decision!.RouteId, decision.NodeId, decision.HandoverAllowed));
        Assert.True((await DecideAsync("GET", "/api/bytes/10"))!.HandoverAllowed);
    }

    [Fact]
    public async Task DecideAsync_DefaultRoute_RoundRobinsOverAllNodes()
    {
        var nodes = new List<string?>();
        for (var i = 0; i < 6; i++)
        {
            nodes.Add((await DecideAsync("GET", "/whoami"))?.NodeId);
        }

        Assert.Equal(["n1", "n2", "n3"], nodes.Distinct().Order());
        Assert.All(nodes.Chunk(3), chunk => Assert.Equal(3, chunk.Distinct().Count()));
    }

    [Fact]
    public async Task DecideAsync_DoesNotTouchTheRealResponse()
    {
        var context = NewContext("GET", "/api/x");
        await _services.GetRequiredService<DispatchPipeline>().DecideAsync(context);

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Null(context.GetEndpoint());
    }

    [Fact]
    public async Task DecideAsync_NodeNotAMember_NeverChosenByLoadBalancing()
    {
        var membership = new TestMembership("n1", "n3");
        using var services = TestServices.Build(TestConfig.Build(), s => s.AddSingleton<IClusterMembership>(membership));

        var decisions = await DecideManyAsync(services, "/whoami", 200);

        Assert.DoesNotContain("n2", decisions.Select(d => d.NodeId));
        Assert.Equal(["n1", "n3"], decisions.Select(d => d.NodeId).Distinct().Order());
        Assert.All(decisions, d => Assert.False(d.NoDestination));

        // The view is read per request: n2 is back in the next dispatches.
        membership.Set(TestMembership.Of(2, "n1", "n2", "n3"));
        Assert.Contains("n2", (await DecideManyAsync(services, "/whoami", 6)).Select(d => d.NodeId));
    }

    [Fact]
    public async Task DecideAsync_DestinationWithoutDtsNode_StaysAvailable()
    {
        var membership = new TestMembership(); // no live member at all
        var config = TestConfig.Build(new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:any:Destinations:outside:Address"] = "http://192.0.2.1:80",
        });
        using var services = TestServices.Build(config, s => s.AddSingleton<IClusterMembership>(membership));

        var decisions = await DecideManyAsync(services, "/whoami", 6);

        Assert.All(decisions, d => Assert.Equal((null, "http://192.0.2.1:80", false), (d.NodeId, d.DestinationAddress, d.NoDestination)));
    }

    [Fact]
    public async Task DecideAsync_OnlyDestinationDown_DecidesNoDestinationWithItsAddress()
    {
        using var services = TestServices.Build(TestConfig.Build(), s => s.AddSingleton<IClusterMembership>(new TestMembership("n1", "n3")));

        var decision = await services.GetRequiredService<DispatchPipeline>().DecideAsync(NewContext(services, "GET", "/static/x"));

        Assert.NotNull(decision);
        Assert.True(decision.NoDestination);
        Assert.Equal(("static", "static", "n2", "http://198.18.0.12:80", DtsFallbackMode.Proxy),
            (decision.RouteId, decision.ClusterId, decision.NodeId, decision.DestinationAddress, decision.Fallback));
    }

    private static async Task<List<DispatchDecision>> DecideManyAsync(IServiceProvider services, string path, int count)
    {
        var pipeline = services.GetRequiredService<DispatchPipeline>();
        var decisions = new List<DispatchDecision>(count);
        for (var i = 0; i < count; i++)
        {
            decisions.Add((await pipeline.DecideAsync(NewContext(services, "GET", path)))!);
        }
        return decisions;
    }

    private Task<DispatchDecision?> DecideAsync(string method, string path) =>
        _services.GetRequiredService<DispatchPipeline>().DecideAsync(NewContext(method, path));

    private DefaultHttpContext NewContext(string method, string path) => NewContext(_services, method, path);

    private static DefaultHttpContext NewContext(IServiceProvider services, string method, string path)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = method;
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("198.18.0.100");
        context.Request.Path = path;
        context.Request.Protocol = "HTTP/1.1";
        return context;
    }

    public void Dispose()
    {
        _services.Dispose();
        _certificates.Dispose();
    }
}
