using Dts.AspNetCore.Fallback;
using Microsoft.AspNetCore.Http;

namespace Dts.AspNetCore.Tests.Fallback;

/// <summary><c>X-Dts-Proxied-By</c> on a forwarded response only with <c>Dts:ResponseHeaders</c>.</summary>
public sealed class ProxiedByTransformerTests
{
    [Theory]
    [InlineData("n1", "n1")]
    [InlineData(null, "")]
    public async Task TransformResponseAsync_ResponseHeadersOnOrOff_HeaderOnlyWhenOn(string? origin, string expected)
    {
        var context = new DefaultHttpContext();
        using var upstream = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent("x") };

        var copy = await new ProxiedByTransformer(origin).TransformResponseAsync(context, upstream, CancellationToken.None);

        Assert.True(copy);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal(expected, context.Response.Headers[ProxiedByTransformer.Header].ToString());
    }
}
