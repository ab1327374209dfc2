using Dts.AspNetCore.Dispatch;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Dts.AspNetCore.Tests.Dispatch;

/// <summary>The dispatch decision is YARP's: these run the repository's routes through real YARP.</summary>
public sealed class DispatchPipelineTests : IDisposable
{
    private readonly ServiceProvider _services = TestServices.Build(TestConfig.Build());

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

    private Task<DispatchDecision?> DecideAsync(string method, string path) =>
        _services.GetRequiredService<DispatchPipeline>().DecideAsync(NewContext(method, path));

    private DefaultHttpContext NewContext(string method, string path)
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Request.Method = method;
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("198.18.0.100");
        context.Request.Path = path;
        context.Request.Protocol = "HTTP/1.1";
        return context;
    }

    public void Dispose() => _services.Dispose();
}
