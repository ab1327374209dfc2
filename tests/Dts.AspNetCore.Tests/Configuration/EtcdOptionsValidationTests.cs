using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Tests.Configuration;

/// <summary>The <c>Dts:Etcd</c> rules of <c>DtsOptionsValidator</c>, checked only when <c>Dts:Membership</c> is Etcd.</summary>
public sealed class EtcdOptionsValidationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dts-etcd-cert-").FullName;

    public EtcdOptionsValidationTests()
    {
        foreach (var f in new[] { "ca.pem", "n1.pem", "n1.key", "etcd-ca.pem", "etcd-client.pem", "etcd-client.key" })
        {
            File.WriteAllText(Path.Combine(_dir, f), "placeholder");
        }
    }

    [Fact]
    public void Validate_EtcdModeWithGoodSettings_HasNoErrors()
    {
        var errors = Validate(new()
        {
            ["Dts:Etcd:Endpoints:0"] = "https://198.18.0.11:2379",
            ["Dts:Etcd:Endpoints:1"] = "https://198.18.0.12:2379",
            ["Dts:Etcd:CaFile"] = Path.Combine(_dir, "etcd-ca.pem"),
            ["Dts:Etcd:CertFile"] = Path.Combine(_dir, "etcd-client.pem"),
            ["Dts:Etcd:KeyFile"] = Path.Combine(_dir, "etcd-client.key"),
            ["Dts:Etcd:LeaseTtl"] = "00:00:03",
            ["Dts:Etcd:Prefix"] = "/dts/run1/",
        });

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_StaticMode_IgnoresTheEtcdSection()
    {
        var errors = Validate(new() { ["Dts:Membership"] = "Static", ["Dts:Etcd:Prefix"] = "nope", ["Dts:Etcd:LeaseTtl"] = "00:00:00.5" });

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_EtcdModeWithoutEndpoints_Fails()
    {
        var errors = Validate(new() { ["Dts:Etcd:Endpoints:0"] = null });

        Assert.Equal("Dts:Etcd:Endpoints must list at least one etcd client URL (Dts:Membership is Etcd).", Assert.Single(errors));
    }

    [Fact]
    public void Validate_EveryEtcdProblem_ListedAtOnce()
    {
        var errors = Validate(new()
        {
            ["Dts:Etcd:Endpoints:0"] = "198.18.0.11:2379",
            ["Dts:Etcd:Endpoints:1"] = "ftp://198.18.0.12:2379",
            ["Dts:Etcd:Endpoints:2"] = "https://198.18.0.13:2379/v3",
            ["Dts:Etcd:Endpoints:3"] = "http://198.18.0.13:2379",
            ["Dts:Etcd:LeaseTtl"] = "00:00:01.500",
            ["Dts:Etcd:RequestTimeout"] = "00:00:00",
            ["Dts:Etcd:Prefix"] = "dts",
            ["Dts:Etcd:CertFile"] = Path.Combine(_dir, "etcd-client.pem"),
            ["Dts:Etcd:CaFile"] = Path.Combine(_dir, "missing-ca.pem"),
        });

        Assert.Contains(errors, e => e.StartsWith("Dts:Etcd:Endpoints:0 '198.18.0.11:2379' must be an absolute http:// or https:// URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Dts:Etcd:Endpoints:1 'ftp://", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Dts:Etcd:Endpoints:2 'https://198.18.0.13:2379/v3'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Dts:Etcd:Endpoints mix http:// and https://", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Dts:Etcd:LeaseTtl 00:00:01.5000000 must be whole seconds", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Dts:Etcd:RequestTimeout 00:00:00 must be positive", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Dts:Etcd:Prefix 'dts' must start and end with '/'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Dts:Etcd:CertFile and Dts:Etcd:KeyFile go together", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Dts:Etcd:CaFile '", StringComparison.Ordinal) && e.EndsWith("missing-ca.pem' does not exist.", StringComparison.Ordinal));
        Assert.Equal(9, errors.Count);
    }

    [Fact]
    public void Validate_LeaseTtlBelowOneSecond_Fails()
    {
        var errors = Validate(new() { ["Dts:Etcd:LeaseTtl"] = "00:00:00" });

        Assert.Equal("Dts:Etcd:LeaseTtl 00:00:00 must be whole seconds, at least 1 s (etcd grants leases in seconds).", Assert.Single(errors));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The validator's errors for the repository's configuration in Etcd mode with one endpoint, plus <paramref name="etcd"/>.</summary>
    private List<string> Validate(Dictionary<string, string?> etcd)
    {
        var values = new Dictionary<string, string?>
        {
            ["Dts:Membership"] = "Etcd",
            ["Dts:Etcd:Endpoints:0"] = "http://198.18.0.11:2379",
        };
        foreach (var (k, v) in etcd)
        {
            values[k] = v;
        }
        using var sp = TestServices.Build(TestConfig.Build(values, certDir: _dir));
        try
        {
            _ = sp.GetRequiredService<IOptions<DtsOptions>>().Value;
            return [];
        }
        catch (OptionsValidationException ex)
        {
            return ex.Failures.ToList();
        }
    }
}
