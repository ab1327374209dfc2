using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Dts.Sample.Web;

/// <summary>
/// OpenTelemetry tracing for the sample: the <c>Dts</c> source (dispatch, the origin's handover, the target's apply: one
/// trace across both nodes) and ASP.NET Core's requests, exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is
/// set (environment or configuration), to the console (the node's log) when <c>OTEL_TRACES_EXPORTER</c> lists
/// <c>console</c>. With neither, nothing is registered and no span is ever started. The sampler follows the standard
/// <c>OTEL_TRACES_SAMPLER</c> (default: every request; <c>parentbased_always_off</c> traces only requests that arrive
/// with a sampled <c>traceparent</c> header).
/// </summary>
internal static class SampleTracing
{
    /// <summary>The control channel's gRPC calls (node to node) are not the app's requests: left out of the traces.</summary>
    private const string ControlService = "/dts.control.v1.DtsControl";

    public static WebApplicationBuilder AddSampleTracing(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var otlp = !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var console = (configuration["OTEL_TRACES_EXPORTER"] ?? "").Split(',', StringSplitOptions.TrimEntries).Contains("console");
        if (!otlp && !console)
        {
            return builder;
        }
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("Dts.Sample.Web", serviceInstanceId: configuration["Dts:NodeId"]))
            .WithTracing(tracing =>
            {
                tracing.AddSource("Dts");
                tracing.AddAspNetCoreInstrumentation(options => options.Filter = context => !context.Request.Path.StartsWithSegments(ControlService));
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
                if (console)
                {
                    tracing.AddConsoleExporter();
                }
            });
        return builder;
    }
}
