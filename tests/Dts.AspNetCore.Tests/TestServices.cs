using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dts.AspNetCore.Tests;

/// <summary>DTS registered by the product's own <c>services.AddDts(configuration)</c>, without a host or Kestrel.</summary>
internal static class TestServices
{
    /// <param name="configuration">The app's configuration (<see cref="TestConfig.Build"/>).</param>
    /// <param name="configure">Registrations made before <c>AddDts</c>, so that they are kept (a test membership, say).</param>
    public static ServiceProvider Build(IConfiguration configuration, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        // What the host provides to every app.
        services.AddLogging();
        services.AddSingleton(new System.Diagnostics.DiagnosticListener("Dts.Tests"));
        services.AddSingleton(configuration);
        configure?.Invoke(services);
        services.AddDts(configuration);
        return services.BuildServiceProvider();
    }
}
