using Dts.Sample.Web;
using OpenTelemetry.Metrics;

// The content root is the build output (appsettings.json, wwwroot), wherever the app is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddDts();
// The Dts meter as Prometheus text at /metrics on the management endpoint (each scrape reads the counters now: no cache).
builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
    .AddMeter("Dts")
    .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
builder.AddSampleTracing();

var app = builder.Build();
app.UseDts();
app.MapDtsManagement();
app.MapPrometheusScrapingEndpoint().RequireDtsManagement();
app.UseStaticFiles();
app.MapSampleEndpoints("/");
app.MapSampleEndpoints("/api");
app.MapSampleEndpoints("/static");
app.MapSampleEndpoints("/proxied");
app.Run();
