using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Registers DTS on a web application: <c>builder.AddDts()</c>, then <c>app.UseDts()</c>.</summary>
public static class DtsWebApplicationBuilderExtensions
{
    /// <summary>
    /// Loads the JSON file named by <c>Dts:ConfigFile</c> (if any) into the app's configuration, then calls
    /// <see cref="DtsServiceCollectionExtensions.AddDts(IServiceCollection, IConfiguration)"/> with it.
    /// Invalid configuration makes start-up fail with every problem listed (<see cref="Microsoft.Extensions.Options.OptionsValidationException"/>).
    /// </summary>
    /// <param name="builder">The web application's builder.</param>
    /// <returns>A builder to chain further configuration (YARP's builder is on it).</returns>
    /// <exception cref="FileNotFoundException"><c>Dts:ConfigFile</c> names a file that does not exist.</exception>
    public static IDtsBuilder AddDts(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var file = builder.Configuration[$"{Dts.AspNetCore.DtsOptions.SectionName}:{nameof(Dts.AspNetCore.DtsOptions.ConfigFile)}"];
        if (!string.IsNullOrEmpty(file))
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
        }
        return builder.Services.AddDts(builder.Configuration);
    }
}
