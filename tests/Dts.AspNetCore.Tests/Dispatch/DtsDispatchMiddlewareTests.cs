using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dts.AspNetCore.Connections;
using Dts.AspNetCore.Dispatch;
using Dts.AspNetCore.Membership;
using Dts.AspNetCore.Telemetry;
using Dts.AspNetCore.Tests.Telemetry;
using Dts.Core.Tcp;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Dts.AspNetCore.Tests.Dispatch;

/// <summary>
/// A route whose only destination's node left the membership gets its <c>Dts.Fallback</c> at once, through the real
/// middleware, real YARP and the repository's routes (route <c>static</c> → n2 only; n2 is not a member here).
/// </summary>
public sealed class DtsDispatchMiddlewareTests : IDisposable
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(10);
    private readonly TestCertificates _certificates = new();

    [Fact]
    public async Task InvokeAsync_OnlyDestinationDown_Reject_Answers503WithRetryAfter()
    {
        using var services = Build("Reject");
        var (context, connection, served) = await InvokeAsync(services, "/static/hello.txt");

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
        Assert.False(served());
        Assert.True(connection.Decision!.Rejected);
        Assert.True(connection.Decision.NoDestination);
        Assert.Equal(1, services.GetRequiredService<DtsTelemetry>().Snapshot().Rejected);
    }

    [Fact]
    public async Task InvokeAsync_OnlyDestinationDown_Local_ServesHere()
    {
        using var services = Build("Local");
        var (context, connection, served) = await InvokeAsync(services, "/static/hello.txt");

        Assert.True(served());
        Assert.Equal("n1", context.Response.Headers["X-Dts-Node"].ToString());
        Assert.Equal(("n1", false, false), (connection.Decision!.NodeId, connection.Decision.Rejected, connection.Decision.Proxied));
    }

    [Fact]
    public async Task InvokeAsync_OnlyDestinationDown_Proxy_ProxiesToTheDownNodeAndFailsFast()
    {
        // The down node's address: a loopback port nobody listens on, so the forwarder's connect is refused at once.
        var closed = ClosedLoopbackPort();
        using var services = Build("Proxy", new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:static:Destinations:n2:Address"] = $"http://127.0.0.1:{closed}",
        });
        var (context, connection, served) = await InvokeAsync(services, "/static/hello.txt");

        Assert.False(served());
        Assert.True(connection.Decision!.Proxied);
        Assert.Equal(("n2", $"http://127.0.0.1:{closed}"), (connection.Decision.NodeId, connection.Decision.DestinationAddress));
        Assert.Equal(StatusCodes.Status502BadGateway, context.Response.StatusCode);
        Assert.Equal(1, services.GetRequiredService<DtsTelemetry>().Snapshot().Fallbacks);
    }

    [Fact]
    public async Task InvokeAsync_ResponseHeadersOff_NoXDtsHeaders()
    {
        using var services = Build("Local", new Dictionary<string, string?> { ["Dts:ResponseHeaders"] = "false" });
        var (context, _, served) = await InvokeAsync(services, "/static/hello.txt");
        var handedIn = new DtsConnectionFeature
        {
            Flow = new FlowKey(new IPEndPoint(new IPAddress([198, 19, 0, 2]), 40001), new IPEndPoint(new IPAddress([198, 18, 0, 100]), 80)),
            ArrivedByHandover = true,
            OriginNodeId = "n2",
        };
        var (adopted, _, servedAdopted) = await InvokeAsync(services, "/whoami", handedIn);

        Assert.True(served() && servedAdopted());
        Assert.DoesNotContain(context.Response.Headers.Keys, k => k.StartsWith("X-Dts-", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(adopted.Response.Headers.Keys, k => k.StartsWith("X-Dts-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task InvokeAsync_ResponseHeadersOn_HandedInNamesServerAndOrigin()
    {
        using var services = Build("Local");
        var handedIn = new DtsConnectionFeature
        {
            Flow = new FlowKey(new IPEndPoint(new IPAddress([198, 19, 0, 2]), 40001), new IPEndPoint(new IPAddress([198, 18, 0, 100]), 80)),
            ArrivedByHandover = true,
            OriginNodeId = "n2",
        };
        var (context, _, served) = await InvokeAsync(services, "/whoami", handedIn);

        Assert.True(served());
        Assert.Equal(("n1", "n2"), (context.Response.Headers["X-Dts-Node"].ToString(), context.Response.Headers["X-Dts-Origin"].ToString()));
    }

    [Fact]
    public async Task InvokeAsync_OnlyDestinationDown_DispatchSpanNamesTheFallbackAndItsReason()
    {
        using var spans = new SpanRecorder();
        using var services = Build("Reject");
        using var request = new Activity("test request").SetIdFormat(ActivityIdFormat.W3C).Start();

        await InvokeAsync(services, "/static/hello.txt");

        var dispatch = Assert.Single(spans.InTrace(request.TraceId));
        Assert.Equal((DtsTracing.Dispatch, request.SpanId), (dispatch.OperationName, dispatch.ParentSpanId));
        Assert.Equal(("static", "n2"), (dispatch.GetTagItem(DtsTracing.Route), dispatch.GetTagItem(DtsTracing.Target)));
        Assert.Equal(("reject", "no destination available"), (dispatch.GetTagItem(DtsTracing.Outcome), dispatch.GetTagItem(DtsTracing.FallbackReason)));
    }

    [Fact]
    public async Task InvokeAsync_LaterRequest_FollowsTheStickyFallback()
    {
        using var services = Build("Reject");
        var (_, connection, _) = await InvokeAsync(services, "/static/hello.txt");

        var (second, _, served) = await InvokeAsync(services, "/whoami", connection);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, second.Response.StatusCode);
        Assert.False(served());
    }

    private ServiceProvider Build(string fallback, Dictionary<string, string?>? extra = null)
    {
        var values = new Dictionary<string, string?> { ["ReverseProxy:Routes:static:Metadata:Dts.Fallback"] = fallback };
        foreach (var (k, v) in extra ?? [])
        {
            values[k] = v;
        }
        return TestServices.Build(
            TestConfig.Build(values, certDir: _certificates.Directory),
            s => s.AddSingleton<IClusterMembership>(new TestMembership("n1", "n3")));
    }

    private static async Task<(DefaultHttpContext Context, DtsConnectionFeature Connection, Func<bool> Served)> InvokeAsync(
        IServiceProvider services, string path, DtsConnectionFeature? connection = null)
    {
        var served = false;
        var middleware = ActivatorUtilities.CreateInstance<DtsDispatchMiddleware>(services, (RequestDelegate)(_ =>
        {
            served = true;
            return Task.CompletedTask;
        }));
        connection ??= new DtsConnectionFeature
        {
            Flow = new FlowKey(new IPEndPoint(new IPAddress([198, 19, 0, 2]), 40000), new IPEndPoint(new IPAddress([198, 18, 0, 100]), 80)),
        };
        var context = new DefaultHttpContext { RequestServices = services };
        context.Features.Set(connection);
        context.Request.Method = "GET";
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("198.18.0.100");
        context.Request.Path = path;
        context.Request.Protocol = "HTTP/1.1";

        var stopwatch = Stopwatch.StartNew();
        await middleware.InvokeAsync(context).WaitAsync(NoHang);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"the fallback took {stopwatch.Elapsed}");
        return (context, connection, () => served);
    }

    private static int ClosedLoopbackPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public void Dispose() => _certificates.Dispose();
}
