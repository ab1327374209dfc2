using Dts.AspNetCore.Control;
using Dts.AspNetCore.Flow;
using Dts.AspNetCore.Handover;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dts.AspNetCore.Tests.Hosting;

/// <summary><c>Dts:Enabled=false</c>: the app is a plain ASP.NET Core app (what a developer runs on a laptop).</summary>
public sealed class DtsDisabledTests
{
    [Fact]
    public async Task AddDts_DisabledWithoutCertificates_StartsAndServesOnKestrel()
    {
        // The repository's configuration as the sample loads it: a cluster section, no certificate paths.
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddConfiguration(TestConfig.Build(new Dictionary<string, string?> { ["Dts:Enabled"] = "false" }));
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.AddDts();
        await using var app = builder.Build();
        app.UseDts();
        app.MapGet("/hello", () => "hello");

        await app.StartAsync();
        var url = app.Urls.Single();
        using var client = new HttpClient { BaseAddress = new Uri(url) };
        using var response = await client.GetAsync("/hello");
        var body = await response.Content.ReadAsStringAsync();
        await app.StopAsync();

        Assert.Equal(StatusCodes.Status200OK, (int)response.StatusCode);
        Assert.Equal("hello", body);
        Assert.False(response.Headers.Contains("X-Dts-Node"), "the dispatch middleware is not in the pipeline");
        Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal);
        // Nothing of the node exists: no certificates read, no nft table, no control channel, no handovers.
        Assert.Null(app.Services.GetService<ControlCertificates>());
        Assert.Null(app.Services.GetService<ControlChannel>());
        Assert.Null(app.Services.GetService<FlowOwnership>());
        Assert.Null(app.Services.GetService<HandoverReceiver>());
    }
}
