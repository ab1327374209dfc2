using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Dts.AspNetCore.Fallback;

/// <summary>
/// YARP's default transforms, plus a response header <c>X-Dts-Proxied-By: &lt;origin&gt;</c>, so a client (and a
/// test) can tell a response the origin forwarded from one the serving node sent directly; the header only with
/// <c>Dts:ResponseHeaders</c> (<paramref name="origin"/> null: none).
/// </summary>
internal sealed class ProxiedByTransformer(string? origin) : HttpTransformer
{
    public const string Header = "X-Dts-Proxied-By";

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var copy = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);
        if (origin is not null)
        {
            httpContext.Response.Headers[Header] = origin;
        }
        return copy;
    }
}
