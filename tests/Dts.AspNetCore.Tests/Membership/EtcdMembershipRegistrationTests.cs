using Dts.AspNetCore.Membership;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Dts.AspNetCore.Tests.Membership;

public sealed class EtcdMembershipRegistrationTests
{
    [Fact]
    public void AddDts_EtcdMode_RegistersEtcdMembershipAsTheMembershipAndAHostedService()
    {
        var services = Register("Etcd");

        Assert.Single(services, d => d.ServiceType == typeof(IClusterMembership));
        Assert.Single(services, d => d.ServiceType == typeof(EtcdMembership));
        Assert.Single(services, d => d.ServiceType == typeof(IMembershipPeers) && d.ImplementationType == typeof(ControlChannelMembershipPeers));
        Assert.Contains(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationFactory is not null);
    }

    [Fact]
    public void AddDts_StaticMode_RegistersNoEtcdMembership()
    {
        var services = Register("Static");

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(EtcdMembership) || d.ServiceType == typeof(IMembershipPeers));
    }

    private static ServiceCollection Register(string mode)
    {
        var services = new ServiceCollection();
        services.AddDts(TestConfig.Build(new Dictionary<string, string?>
        {
            ["Dts:Membership"] = mode,
            ["Dts:Etcd:Endpoints:0"] = "http://198.18.0.11:2379",
        }));
        return services;
    }
}
