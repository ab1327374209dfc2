using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dts.AspNetCore.Health;

/// <summary>
/// The <c>/dts/health</c> body (JSON): <c>{ "status": "Healthy|Degraded|Unhealthy", "totalDurationMs": …,
/// "checks": { "&lt;name&gt;": { "status", "description", "durationMs", "error"?, "data": { … } } } }</c>, the
/// shape of the health-check ecosystem's JSON writers. The status code is the health-check middleware's:
/// 200 for Healthy and Degraded (the node serves), 503 for Unhealthy.
/// </summary>
internal static class DtsHealthResponseWriter
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            totalDurationMs = report.TotalDuration.TotalMilliseconds,
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                durationMs = e.Value.Duration.TotalMilliseconds,
                error = e.Value.Exception?.Message,
                data = e.Value.Data,
            }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, JsonOptions, context.RequestAborted);
    }
}
