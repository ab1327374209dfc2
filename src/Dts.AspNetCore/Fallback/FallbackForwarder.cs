using System.Net;
using Dts.AspNetCore.Dispatch;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Dts.AspNetCore.Fallback;

/// <summary>
/// The fallback that loses nothing: forwards a request to the decided destination's unicast address with
/// YARP's <see cref="IHttpForwarder"/> (a proxy hop through the origin). Errors become YARP's 502/504.
/// </summary>
internal sealed class FallbackForwarder(IHttpForwarder forwarder, Microsoft.Extensions.Options.IOptions<DtsOptions> options) : IDisposable
{
    private readonly ProxiedByTransformer _transformer = new(options.Value.ResponseHeaders ? options.Value.NodeId : null);

    private static readonly ForwarderRequestConfig RequestConfig = new() { ActivityTimeout = TimeSpan.FromSeconds(100) };

    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        EnableMultipleHttp2Connections = true,
        ActivityHeadersPropagator = null,
    });

    /// <summary>Forwards <paramref name="context"/>'s request; returns YARP's error (None on success).</summary>
    public async Task<ForwarderError> ForwardAsync(HttpContext context, DispatchDecision decision) =>
        await forwarder.SendAsync(context, decision.DestinationAddress, _client, RequestConfig, _transformer)
            .ConfigureAwait(false);

    public void Dispose() => _client.Dispose();
}
