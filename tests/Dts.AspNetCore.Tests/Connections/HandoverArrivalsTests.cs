using System.Net;
using Dts.AspNetCore.Connections;
using Dts.Core.Tcp;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dts.AspNetCore.Tests.Connections;

/// <summary>Connections that arrive by handover are told apart at the VIP listener, by their 4-tuple.</summary>
public sealed class HandoverArrivalsTests : IDisposable
{
    private static readonly IPEndPoint Client = new(IPAddress.Parse("198.19.0.2"), 40002);
    private static readonly IPEndPoint Vip = new(IPAddress.Parse("198.18.0.100"), 80);
    private readonly HandoverArrivals _arrivals = new(NullLoggerFactory.Instance);

    [Fact]
    public void Claim_ExpectedFlow_AttachesTheHandoverInfoOnce()
    {
        var info = new AdoptedConnectionInfo("n1", "h1");
        _arrivals.Expect(new FlowKey(Client, Vip), info);

        var first = Accepted(Client);
        var second = Accepted(Client);
        _arrivals.Claim(first);
        _arrivals.Claim(second);

        Assert.Same(info, first.Features.Get<AdoptedConnectionInfo>());
        Assert.Null(second.Features.Get<AdoptedConnectionInfo>());
    }

    [Fact]
    public void Claim_ForgottenOrOtherFlow_LeavesTheConnectionPlain()
    {
        _arrivals.Expect(new FlowKey(Client, Vip), new AdoptedConnectionInfo("n1", "h2"));
        var other = Accepted(new IPEndPoint(Client.Address, 40003));
        _arrivals.Claim(other);
        _arrivals.Forget(new FlowKey(Client, Vip));
        var forgotten = Accepted(Client);
        _arrivals.Claim(forgotten);

        Assert.Null(other.Features.Get<AdoptedConnectionInfo>());
        Assert.Null(forgotten.Features.Get<AdoptedConnectionInfo>());
    }

    [Fact]
    public void FlowOf_Ipv4MappedEndpoints_GivesTheIpv4Flow()
    {
        var connection = new DefaultConnectionContext
        {
            RemoteEndPoint = new IPEndPoint(Client.Address.MapToIPv6(), Client.Port),
            LocalEndPoint = new IPEndPoint(Vip.Address.MapToIPv6(), Vip.Port),
        };

        Assert.Equal(new FlowKey(Client, Vip), HandoverArrivals.FlowOf(connection));
    }

    [Fact]
    public void TryAdopt_NoVipListener_ReturnsFalse()
    {
        Assert.False(_arrivals.IsReady);
        Assert.False(_arrivals.TryAdopt(null!, new AdoptedConnectionInfo("n1", "h3")));
    }

    private static DefaultConnectionContext Accepted(IPEndPoint client) => new() { RemoteEndPoint = client, LocalEndPoint = Vip };

    public void Dispose() => _arrivals.Dispose();
}
