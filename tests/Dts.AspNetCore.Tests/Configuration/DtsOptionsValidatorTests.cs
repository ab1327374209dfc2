using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Tests.Configuration;

public sealed class DtsOptionsValidatorTests : IDisposable
{
    private readonly string _certDir = Directory.CreateTempSubdirectory("dts-cert-").FullName;

    public DtsOptionsValidatorTests()
    {
        foreach (var f in new[] { "ca.pem", "n1.pem", "n1.key" })
        {
            File.WriteAllText(Path.Combine(_certDir, f), "placeholder");
        }
    }

    [Fact]
    public void Validate_RepositoryConfiguration_HasNoErrors()
    {
        using var sp = TestServices.Build(TestConfig.Build(certDir: _certDir));
        var options = sp.GetRequiredService<IOptions<DtsOptions>>().Value;
        Assert.Equal("n1", options.NodeId);
        Assert.Equal(3, options.Nodes.Count);
    }

    [Fact]
    public void Validate_ValuesThatDoNotConvert_ListedWithEveryOtherProblem()
    {
        var config = TestConfig.Build(new Dictionary<string, string?>
        {
            ["Dts:Mechanism"] = "Foo",
            ["Dts:Port"] = "abc",
            ["Dts:MaxRecordedBytes"] = "0",
            ["Dts:Vip"] = "not-an-ip",
        }, certDir: _certDir);
        using var sp = TestServices.Build(config);

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<DtsOptions>>().Value);

        var all = string.Join("\n", ex.Failures);
        Assert.Contains("Dts:Mechanism: Failed to convert configuration value 'Foo'", all);
        Assert.Contains("Dts:Port: Failed to convert configuration value 'abc'", all);
        Assert.Contains("Dts:MaxRecordedBytes 0 must be in 1..", all);
        Assert.Contains("Dts:Vip 'not-an-ip'", all);
        Assert.Equal(4, ex.Failures.Count());
    }

    [Fact]
    public void Validate_ManyProblems_ReportsEveryOneAtOnce()
    {
        var config = TestConfig.Build(new Dictionary<string, string?>
        {
            ["Dts:NodeId"] = "n9",
            ["Dts:FlowIdleTimeout"] = "00:01:00",
            ["Dts:Vip"] = "not-an-ip",
            ["Dts:ControlPort"] = "80",
            ["Dts:ManagementPort"] = "80",
            ["Dts:Nodes:1:Address"] = "nowhere",
            ["ReverseProxy:Clusters:api:Destinations:n3:Metadata:Dts.Node"] = "n7",
            ["ReverseProxy:Routes:api:Metadata:Dts.Fallback"] = "Sometimes",
            ["ReverseProxy:Routes:proxied:Metadata:Dts.Handover"] = "maybe",
            ["ReverseProxy:Routes:broken:ClusterId"] = "nope",
            ["ReverseProxy:Routes:broken:Match:Path"] = "/broken/{**x}",
            ["ReverseProxy:Clusters:any:LoadBalancingPolicy"] = "NoSuchPolicy",
        }, certDir: null);
        using var sp = TestServices.Build(config);

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<DtsOptions>>().Value);

        var all = string.Join("\n", ex.Failures);
        Assert.Contains("Dts:NodeId 'n9' is not in Dts:Nodes", all);
        Assert.Contains("Dts:Vip 'not-an-ip'", all);
        Assert.Contains("Dts:ControlPort 80", all);
        Assert.Contains("Dts:ManagementPort 80 must be in 1..65535 and differ from Dts:Port and Dts:ControlPort", all);
        Assert.Contains("Dts:Nodes:1:Address 'nowhere'", all);
        Assert.Contains("Dts.Node 'n7' is not in Dts:Nodes", all);
        Assert.Contains("Dts.Fallback 'Sometimes'", all);
        Assert.Contains("Dts.Handover 'maybe' must be true or false", all);
        Assert.Contains("Dts:Certificates:CaPath", all);
        Assert.Contains("ReverseProxy:Routes:broken", all);
        Assert.Contains("NoSuchPolicy", all);
        Assert.Contains("Dts:FlowIdleTimeout 00:01:00 must exceed Kestrel's keep-alive timeout", all);
        Assert.True(ex.Failures.Count() >= 11, all);
    }

    public void Dispose() => Directory.Delete(_certDir, recursive: true);
}
