using Dts.AspNetCore.Membership;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dts.AspNetCore.Tests.Health;

/// <summary>
/// DTS's health checks through ASP.NET Core's own <see cref="HealthCheckService"/>, as <c>services.AddDts()</c> registers
/// them (the healthy cluster, a dead peer and etcd down are checked on testbeds: HealthCheckTests, NodeFailureTests,
/// MembershipTests).
/// </summary>
public sealed class DtsHealthChecksTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    [Fact]
    public async Task Membership_StoreUnreachable_DegradedWithTheRevision()
    {
        var membership = new TestMembership("n1", "n2", "n3");
        using var services = Build(membership);
        membership.Set(TestMembership.Of(42, "n1", "n2", "n3") with { StoreReachable = false });

        var entry = await CheckAsync(services, "dts-membership");

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal("membership store unreachable, serving with the view of revision 42", entry.Description);
        Assert.Equal(false, entry.Data["storeReachable"]);
    }

    [Fact]
    public async Task Membership_Fenced_Degraded()
    {
        var membership = new TestMembership("n1", "n2");
        using var services = Build(membership);
        membership.Set(TestMembership.Of(7, "n2") with { Fenced = true });

        var entry = await CheckAsync(services, "dts-membership");

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal("fenced: answering no SYN until the lease is renewed", entry.Description);
    }

    [Fact]
    public async Task Membership_AllActiveAndReachable_HealthyWithTheActiveMembers()
    {
        using var services = Build(new TestMembership("n1", "n3"));

        var entry = await CheckAsync(services, "dts-membership");

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal(["n1", "n3"], (IEnumerable<string>)entry.Data["active"]);
    }

    [Fact]
    public async Task FlowTable_HostNotStarted_Unhealthy()
    {
        using var services = Build(new TestMembership("n1"));

        var entry = await CheckAsync(services, "dts-flow-table");

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.StartsWith("nft tables missing: not installed yet", entry.Description, StringComparison.Ordinal);
        Assert.Equal(0, entry.Data["buckets"]);
    }

    [Theory]
    [InlineData("Repair", HealthStatus.Healthy, "not used (mechanism Repair)")]
    [InlineData("Splice", HealthStatus.Unhealthy, "NFQUEUE translator not running: no flow can be spliced in")]
    public async Task SpliceQueue_ByMechanism_NotUsedOrNotRunning(string mechanism, HealthStatus expected, string description)
    {
        using var services = Build(new TestMembership("n1"), mechanism);

        var entry = await CheckAsync(services, "dts-splice-queue");

        Assert.Equal((expected, description), (entry.Status, entry.Description));
    }

    [Fact]
    public async Task AddDts_CalledAgainByTheApp_EachCheckOnce()
    {
        using var services = Build(new TestMembership("n1"), configure: s => s.AddHealthChecks().AddDts());

        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name != "dts-control-peers");

        Assert.Equal(["dts-flow-table", "dts-membership", "dts-splice-queue"], report.Entries.Keys.Order());
    }

    private ServiceProvider Build(IClusterMembership membership, string mechanism = "Repair", Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new System.Diagnostics.DiagnosticListener("Dts.Tests"));
        var configuration = TestConfig.Build(new Dictionary<string, string?> { ["Dts:Mechanism"] = mechanism }, certDir: _certificates.Directory);
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(configuration);
        services.AddSingleton(membership);
        services.AddDts(configuration);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    private static async Task<HealthReportEntry> CheckAsync(IServiceProvider services, string name)
    {
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == name);
        return report.Entries[name];
    }

    public void Dispose() => _certificates.Dispose();
}
