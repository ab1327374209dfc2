using System.Text.Json;
using Dts.AspNetCore.Mechanisms;
using Dts.AspNetCore.Membership;
using Dts.AspNetCore.Telemetry;
using Dts.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Tests.Telemetry;

/// <summary><c>/dts/stats</c> carries the membership view and the bucket table, as JSON the readers (<c>DtsStatsReader</c>) parse.</summary>
public sealed class DtsStatsEndpointTests : IDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web); // what Results.Json and DtsStatsReader use
    private readonly TestCertificates _certificates = new();

    [Fact]
    public void Get_StaticMembership_AllActiveAndBucketsSumToB()
    {
        using var services = Build(new Dictionary<string, string?> { ["Dts:Buckets"] = "64" });

        var membership = Get(services).Membership!;

        Assert.Equal(("Static", 0L, true, false, false, 64), (membership.Mode, membership.Revision, membership.StoreReachable, membership.Fenced, membership.Draining, membership.Buckets));
        Assert.Equal(["n1", "n2", "n3"], membership.Members.Select(m => m.Id));
        Assert.All(membership.Members, m => Assert.Equal(("Active", "64:n1,n2,n3"), (m.State, m.Applied)));
        Assert.Equal(64, membership.Members.Sum(m => m.Buckets));
        Assert.All(membership.Members, m => Assert.InRange(m.Buckets, 1, 63));
    }

    [Fact]
    public void Get_Json_HasTheMembershipObjectAndParsesBack()
    {
        using var services = Build();
        var stats = Get(services);

        var json = JsonSerializer.Serialize(stats, Web);
        using var document = JsonDocument.Parse(json);
        var membership = document.RootElement.GetProperty("membership");

        Assert.Equal(
            ["mode", "revision", "storeReachable", "fenced", "draining", "buckets", "selfBuckets", "table", "gainPending", "members"],
            membership.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["id", "state", "applied", "buckets"], membership.GetProperty("members")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("Static", membership.GetProperty("mode").GetString());
        Assert.Equal("Active", membership.GetProperty("members")[0].GetProperty("state").GetString());
        var parsed = JsonSerializer.Deserialize<DtsStats>(json, Web)!.Membership!;
        Assert.Equal(stats.Membership!.Members, parsed.Members);
        Assert.Equal(stats.Membership with { Members = parsed.Members }, parsed);
    }

    [Fact]
    public async Task Get_SelfDraining_ReportsDrainingWithNoBuckets()
    {
        using var services = Build(new Dictionary<string, string?> { ["Dts:Buckets"] = "64" });
        await services.GetRequiredService<IClusterMembership>().DrainAsync(CancellationToken.None);

        var membership = Get(services).Membership!;

        Assert.True(membership.Draining);
        Assert.Equal(("Draining", 0), (membership.Members[0].State, membership.Members[0].Buckets));
        Assert.Equal(64, membership.Members.Sum(m => m.Buckets));
    }

    private ServiceProvider Build(Dictionary<string, string?>? values = null) => TestServices.Build(
        TestConfig.Build(values, certDir: _certificates.Directory),
        s => s.AddSingleton<IHostApplicationLifetime, ApplicationLifetime>());

    private static DtsStats Get(IServiceProvider services) => DtsStatsEndpoint.Get(
        services.GetRequiredService<DtsTelemetry>(),
        services.GetRequiredService<IHandoverMechanism>(),
        services.GetRequiredService<IClusterMembership>(),
        services.GetRequiredService<BucketTable>(),
        services.GetRequiredService<IOptions<DtsOptions>>());

    public void Dispose() => _certificates.Dispose();
}
