using Dts.AspNetCore;
using Dts.AspNetCore.Configuration;
using Dts.AspNetCore.Control;
using Dts.AspNetCore.Dispatch;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds DTS to the request pipeline.</summary>
public static class DtsApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the dispatch middleware (call it before the app's own endpoints) and the control-channel gRPC service on
    /// <c>Dts:ControlPort</c>; the operators' endpoints are mapped by
    /// <see cref="DtsManagementEndpointRouteBuilderExtensions.MapDtsManagement"/> on the management endpoint. Validates the
    /// <c>Dts</c> and <c>ReverseProxy</c> sections now and throws <see cref="OptionsValidationException"/> listing
    /// every problem. With <c>Dts:Enabled=false</c> it adds nothing.
    /// </summary>
    public static WebApplication UseDts(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<DtsOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }
        var keepAlive = app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.KeepAliveTimeout;
        if (options.FlowIdleTimeout <= keepAlive)
        {
            throw new OptionsValidationException(DtsOptions.SectionName, typeof(DtsOptions),
                [DtsOptionsValidator.KeepAliveError(options.FlowIdleTimeout, keepAlive)]);
        }
        _ = app.Services.GetRequiredService<DispatchPipeline>();
        app.UseMiddleware<DtsDispatchMiddleware>();
        app.MapGrpcService<ControlService>().RequireHost($"*:{options.ControlPort}");
        return app;
    }
}
