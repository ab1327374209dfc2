using Microsoft.Extensions.Configuration;

namespace Dts.AspNetCore.Tests;

/// <summary>Builds in-memory configuration for tests: the repository's routes plus a Dts section.</summary>
internal static class TestConfig
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static IConfigurationRoot Build(IDictionary<string, string?>? dts = null, bool withRoutes = true, string? certDir = null)
    {
        var builder = new ConfigurationBuilder();
        if (withRoutes)
        {
            builder.AddJsonFile(Path.Combine(RepoRoot, "appsettings", "appsettings.json"));
        }
        var values = new Dictionary<string, string?>
        {
            ["Dts:NodeId"] = "n1",
            ["Dts:Vip"] = "198.18.0.100",
            ["Dts:HashSeed"] = "7",
            ["Dts:Nodes:0:Id"] = "n1", ["Dts:Nodes:0:Address"] = "198.18.0.11",
            ["Dts:Nodes:1:Id"] = "n2", ["Dts:Nodes:1:Address"] = "198.18.0.12",
            ["Dts:Nodes:2:Id"] = "n3", ["Dts:Nodes:2:Address"] = "198.18.0.13",
        };
        if (certDir is not null)
        {
            values["Dts:Certificates:CaPath"] = Path.Combine(certDir, "ca.pem");
            values["Dts:Certificates:CertPath"] = Path.Combine(certDir, "n1.pem");
            values["Dts:Certificates:KeyPath"] = Path.Combine(certDir, "n1.key");
        }
        foreach (var (k, v) in dts ?? new Dictionary<string, string?>())
        {
            values[k] = v;
        }
        return builder.AddInMemoryCollection(values).Build();
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dts.Web.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Dts.Web.sln not found above " + AppContext.BaseDirectory);
    }
}
