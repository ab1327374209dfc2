using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Dts.AspNetCore.Connections;
using Dts.AspNetCore.Control;
using Dts.AspNetCore.Dispatch;
using Dts.AspNetCore.Flow;
using Dts.AspNetCore.Handover;
using Dts.AspNetCore.Mechanisms.Repair;
using Dts.AspNetCore.Telemetry;
using Dts.AspNetCore.Tests.Telemetry;
using Dts.Core.Tcp;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Tests.Handover;

/// <summary>
/// A dispatch decided just before its target left the membership is refused by the origin before the data path. The
/// connection is a real, eligible loopback TCP connection; the flow table's VIP does not parse, so the first touch of
/// the table (the handover's step 1) throws — which the member case shows.
/// </summary>
public sealed class HandoverCoordinatorTests : IDisposable
{
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly TestCertificates _certificates = new();
    private readonly HandoverArrivals _arrivals = new(NullLoggerFactory.Instance);
    private readonly TestMembership _membership = new("n1", "n3");
    private readonly DtsTelemetry _telemetry;
    private readonly ControlCertificates _controlCertificates;
    private readonly ControlChannel _control;
    private readonly HandoverCoordinator _coordinator;

    public HandoverCoordinatorTests()
    {
        var options = Options.Create(new DtsOptions
        {
            NodeId = "n1",
            Vip = "not an address",
            Certificates = new DtsCertificateOptions
            {
                CaPath = Path.Combine(_certificates.Directory, "ca.pem"),
                CertPath = Path.Combine(_certificates.Directory, "n1.pem"),
                KeyPath = Path.Combine(_certificates.Directory, "n1.key"),
            },
        });
        var flows = new FlowOwnership(options, Options.Create(new FlowMarkOptions()), TimeProvider.System);
        _telemetry = new DtsTelemetry(_meters.GetRequiredService<IMeterFactory>(), options);
        _controlCertificates = new ControlCertificates(options);
        _control = new ControlChannel(options, _controlCertificates, NullLogger<ControlChannel>.Instance);
        _coordinator = new HandoverCoordinator(
            options, new RepairMechanism(flows, _arrivals, TimeProvider.System), flows, _control, _membership, _telemetry,
            TimeProvider.System, NullLogger<HandoverCoordinator>.Instance);
    }

    [Fact]
    public async Task TryHandOverAsync_TargetNotAMember_RefusedBeforeTheFlowTable()
    {
        using var pair = await LoopbackPair.ConnectAsync();

        var result = await _coordinator.TryHandOverAsync(NewRequest(), pair.Connection, Decision("n2"), CancellationToken.None);

        Assert.Equal((HandoverStatus.Failed, HandoverCoordinator.TargetNotMember), (result.Status, result.Reason));
        var stats = _telemetry.Snapshot();
        Assert.Equal(1, stats.HandoverFailures);
        var failure = Assert.Single(stats.RecentFailures);
        Assert.Equal((pair.Connection.Flow.ToString(), "n2", HandoverCoordinator.TargetNotMember), (failure.Flow, failure.Target, failure.Reason));
        Assert.False(pair.Connection.HandedOut);
    }

    [Fact]
    public async Task TryHandOverAsync_TargetAMember_ReachesTheFlowTable()
    {
        // The control case: the same connection to a member goes on to the flow table (whose VIP does not parse).
        using var pair = await LoopbackPair.ConnectAsync();

        await Assert.ThrowsAsync<FormatException>(() =>
            _coordinator.TryHandOverAsync(NewRequest(), pair.Connection, Decision("n3"), CancellationToken.None));
    }

    [Fact]
    public async Task TryHandOverAsync_TargetLeftAfterTheDispatch_Refused()
    {
        using var pair = await LoopbackPair.ConnectAsync();
        _membership.Set(TestMembership.Of(2, "n1"));

        var result = await _coordinator.TryHandOverAsync(NewRequest(), pair.Connection, Decision("n3"), CancellationToken.None);

        Assert.Equal(HandoverCoordinator.TargetNotMember, result.Reason);
    }

    [Fact]
    public async Task TryHandOverAsync_TargetNotAMember_SpanFailedWithTheReason()
    {
        using var spans = new SpanRecorder();
        using var pair = await LoopbackPair.ConnectAsync();

        var result = await _coordinator.TryHandOverAsync(NewRequest(), pair.Connection, Decision("n2"), CancellationToken.None);

        var span = Assert.Single(spans.Spans(DtsTracing.HandoverOrigin, "network.peer.port", pair.Connection.Flow.Client.Port));
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal(("n2", "Repair"), (span.GetTagItem(DtsTracing.Target), span.GetTagItem(DtsTracing.Mechanism)));
        Assert.Equal(("failed", result.Reason), (span.GetTagItem(DtsTracing.Outcome), span.GetTagItem(DtsTracing.FallbackReason)));
        Assert.Equal((ActivityStatusCode.Error, result.Reason), (span.Status, span.StatusDescription));
    }

    [Fact]
    public async Task TryHandOverAsync_FailsInTheFlowTable_SpanFailedWithThePhasesThatRan()
    {
        using var spans = new SpanRecorder();
        using var pair = await LoopbackPair.ConnectAsync();

        var error = await Assert.ThrowsAsync<FormatException>(() =>
            _coordinator.TryHandOverAsync(NewRequest(), pair.Connection, Decision("n3"), CancellationToken.None, dispatch: TimeSpan.FromMicroseconds(250)));

        var span = Assert.Single(spans.Spans(DtsTracing.HandoverOrigin, "network.peer.port", pair.Connection.Flow.Client.Port));
        Assert.Equal("FormatException: " + error.Message, span.GetTagItem(DtsTracing.FallbackReason));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Matches("^[0-9a-f]{32}$", (string)span.GetTagItem(DtsTracing.HandoverId)!);
        var dispatch = Assert.Single(span.Events);
        Assert.Equal(("dispatch", 250.0), (dispatch.Name, (double)dispatch.Tags.Single(t => t.Key == DtsTracing.PhaseDuration).Value!));
        Assert.Equal(new DateTimeOffset(span.StartTimeUtc), dispatch.Timestamp);
    }

    private static DispatchDecision Decision(string node) =>
        new("static", "static", node, $"http://198.18.0.1{node[1]}:80", DtsFallbackMode.Proxy);

    private static DefaultHttpContext NewRequest()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Scheme = "http";
        context.Request.Protocol = "HTTP/1.1";
        return context;
    }

    /// <summary>An established loopback connection whose accepted end is wrapped the way the VIP listener wraps it.</summary>
    private sealed class LoopbackPair : IDisposable
    {
        private readonly Socket _client;
        private readonly Socket _server;

        private LoopbackPair(Socket client, Socket server)
        {
            _client = client;
            _server = server;
            Connection = new DtsConnectionFeature
            {
                Flow = new FlowKey((IPEndPoint)server.RemoteEndPoint!, (IPEndPoint)server.LocalEndPoint!),
                Socket = server,
                Pipe = new DtsDuplexPipe(new RecordingPipeReader(new Pipe().Reader, 1 << 16), new SilenceablePipeWriter(new Pipe().Writer)),
            };
        }

        public DtsConnectionFeature Connection { get; }

        public static async Task<LoopbackPair> ConnectAsync()
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(listener.LocalEndPoint!);
            return new LoopbackPair(client, await listener.AcceptAsync());
        }

        public void Dispose()
        {
            _server.Dispose();
            _client.Dispose();
        }
    }

    public void Dispose()
    {
        _control.Dispose();
        _controlCertificates.Dispose();
        _arrivals.Dispose();
        _certificates.Dispose();
        _meters.Dispose();
    }
}
