using Dts.AspNetCore.Mechanisms;
using Dts.AspNetCore.Mechanisms.Repair;
using Dts.AspNetCore.Mechanisms.Splice;
using Microsoft.Extensions.DependencyInjection;

namespace Dts.AspNetCore.Tests.Hosting;

/// <summary>What <c>services.AddDts(configuration)</c> registers, read from the service collection (nothing is started).</summary>
public sealed class DtsServiceCollectionExtensionsTests
{
    [Theory]
    [InlineData("Repair", typeof(RepairMechanism))]
    [InlineData("Splice", typeof(SpliceMechanism))]
    public void AddDts_Mechanism_RegistersThatMechanismOnly(string mechanism, Type expected)
    {
        var services = new ServiceCollection();
        services.AddDts(TestConfig.Build(new Dictionary<string, string?> { ["Dts:Mechanism"] = mechanism }));

        Assert.Equal(expected, Assert.Single(services, d => d.ServiceType == typeof(IHandoverMechanism)).ImplementationType);
        // Only a Splice node has a packet path (NFQUEUE) to run.
        Assert.Equal(mechanism == "Splice", services.Any(d => d.ServiceType == typeof(SpliceEngine)));
    }

    [Fact]
    public void AddDts_ServiceRegisteredBefore_IsKept()
    {
        var services = new ServiceCollection();
        var time = new SystemTimeProviderForTests();
        services.AddSingleton<TimeProvider>(time);

        var builder = services.AddDts(TestConfig.Build());

        Assert.Same(time, Assert.Single(services, d => d.ServiceType == typeof(TimeProvider)).ImplementationInstance);
        Assert.Same(services, builder.Services);
        Assert.Same(services, builder.ReverseProxy.Services);
    }

    private sealed class SystemTimeProviderForTests : TimeProvider;
}
