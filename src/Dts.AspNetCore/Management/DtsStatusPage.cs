using Microsoft.AspNetCore.Http;

namespace Dts.AspNetCore.Management;

/// <summary>
/// <c>GET /dts/</c>: the live status page, one static HTML document with its script and style inline (the embedded
/// resource <c>Management/StatusPage.html</c>), which polls <c>/dts/stats</c> every second. Its
/// Content-Security-Policy lets the browser load nothing but the page itself and fetch nothing but this origin, so
/// it works with no internet access and can't be made to call anywhere else.
/// </summary>
internal static class DtsStatusPage
{
    private const string ResourceName = "Dts.AspNetCore.Management.StatusPage.html";

    /// <summary>No source but the page's own inline script and style; fetch() to this origin only; no frames.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private static readonly Lazy<byte[]> Html = new(() =>
    {
        using var stream = typeof(DtsStatusPage).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from {typeof(DtsStatusPage).Assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>The page (UTF-8 HTML), never cached: a new build's page is seen on the next load.</summary>
    public static IResult Get(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        return Results.Bytes(Html.Value, "text/html; charset=utf-8");
    }
}
