using Dts.AspNetCore.Configuration;
using Dts.AspNetCore.Dispatch;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Tests;

/// <summary>The DTS configuration and YARP services as AddDts() registers them, without Kestrel.</summary>
internal static class TestServices
{
    public static ServiceProvider Build(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddRouting();
        services.AddSingleton(new System.Diagnostics.DiagnosticListener("Dts.Tests"));
        services.AddSingleton(configuration);
        services.AddOptions<DtsOptions>().Bind(configuration.GetSection(DtsOptions.SectionName));
        services.AddSingleton<IValidateOptions<DtsOptions>, DtsOptionsValidator>();
        services.AddSingleton<DispatchPipeline>();
        services.AddReverseProxy()
            .LoadFromConfig(configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<DtsDestinationFilter>();
        return services.BuildServiceProvider();
    }
}
