using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dts.AspNetCore.Tests;

/// <summary>DTS registered by the product's own <c>services.AddDts(configuration)</c>, without a host or Kestrel.</summary>
internal static class TestServices
{
    public static ServiceProvider Build(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        // What the host provides to every app.
        services.AddLogging();
        services.AddSingleton(new System.Diagnostics.DiagnosticListener("Dts.Tests"));
        services.AddSingleton(configuration);
        services.AddDts(configuration);
        return services.BuildServiceProvider();
    }
}
