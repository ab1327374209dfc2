using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dts.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Dts.EndToEnd.Tests;

/// <summary>
/// Issue 10 item 5: the live status page at <c>/dts/</c> on a node's management endpoint, opened in a real browser
/// (Debian's Chromium, headless, in the client namespace), shows what <c>/dts/stats</c> says: the members and their
/// buckets, this node, the handover and fallback counters, live flows and recent failures; and it loads nothing from
/// anywhere but the node.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class StatusPageTests(ClusterFixture cluster, ITestOutputHelper output)
{
    /// <summary>How long the page may take to show a value /dts/stats has (it polls every second).</summary>
    private static readonly TimeSpan CatchUp = TimeSpan.FromSeconds(15);

    [RootFact]
    public async Task StatusPage_OpenDuringHandedOverRequests_ShowsWhatStatsSays()
    {
        var t = cluster.Testbed;
        const int node = 1;
        var pageUri = t.ManagementUri(node, "/dts/");
        var statsUri = t.ManagementUri(node, "/dts/stats");
        using var http = t.CreateClientHttpClient(TimeSpan.FromSeconds(10));
        var before = (await http.GetFromJsonAsync<JsonElement>(statsUri)).GetProperty("handoversOut").GetInt64();

        await using var chromium = await NamespacedChromium.LaunchAsync(t, t.ClientNamespace);
        var page = await chromium.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });
        var requested = new List<string>();
        var consoleErrors = new List<string>();
        page.Request += (_, request) => { lock (requested) { requested.Add(request.Url); } };
        page.Console += (_, message) => { if (message.Type == "error") { lock (consoleErrors) { consoleErrors.Add(message.Text); } } };
        page.PageError += (_, error) => { lock (consoleErrors) { consoleErrors.Add(error); } };

        var loaded = await page.GotoAsync(pageUri.ToString());
        Assert.NotNull(loaded);
        Assert.Equal(200, loaded.Status);
        Assert.StartsWith("text/html", await loaded.HeaderValueAsync("content-type"), StringComparison.Ordinal);
        // The browser may load nothing from anywhere else, and fetch only from the node.
        var csp = await loaded.HeaderValueAsync("content-security-policy");
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", csp, StringComparison.Ordinal);
        using (var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, pageUri)))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, head.StatusCode);
        }
        await Expect(page.Locator("#live")).ToHaveClassAsync("ok", new() { Timeout = (float)CatchUp.TotalMilliseconds });

        // With the page open: requests to /api/** (served by n3) until n1, the page's node, handed some over.
        var handedOver = 0L;
        for (var i = 0; i < 120 && handedOver < 3; i++)
        {
            using var client = t.CreateClientHttpClient(TimeSpan.FromSeconds(10));
            using var response = await client.GetAsync(new Uri($"http://{t.Vip}/api/whoami"));
            response.EnsureSuccessStatusCode();
            if (response.Headers.TryGetValues("X-Dts-Origin", out var from) && from.Single() == t.NodeId(node))
            {
                handedOver++;
            }
        }
        Assert.True(handedOver > 0, $"{t.NodeId(node)} handed no request over\n" + cluster.Logs());

        // The page, loaded before the traffic, shows the counters after it without a reload.
        var stats = await PageMatchesStatsAsync(page, http, statsUri, minimumHandoversOut: before + handedOver);

        Assert.Equal(t.NodeId(node), stats.GetProperty("node").GetString());
        Assert.True(stats.GetProperty("handoversOut").GetInt64() >= before + handedOver, $"handoversOut {stats.GetProperty("handoversOut")}, before {before}, handed over {handedOver}");
        // Two samples make a rate: every counter shows one per second.
        await Expect(page.Locator("[data-rate=handoversOut]")).ToHaveTextAsync(RateText(), new() { Timeout = (float)CatchUp.TotalMilliseconds });
        var members = stats.GetProperty("membership").GetProperty("members");
        Assert.Equal(t.NodeCount, members.GetArrayLength());
        Assert.Equal(stats.GetProperty("membership").GetProperty("buckets").GetInt32(), members.EnumerateArray().Sum(m => m.GetProperty("buckets").GetInt32()));

        var screenshot = Path.Combine(ArtifactsDirectory(), $"status-page-{t.RunId}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"status page screenshot: {screenshot}");
        Assert.True(new FileInfo(screenshot).Length > 0);

        var origin = pageUri.GetLeftPart(UriPartial.Authority);
        lock (requested)
        {
            Assert.All(requested, url => Assert.StartsWith(origin + "/", url, StringComparison.Ordinal));
        }
        lock (consoleErrors)
        {
            Assert.True(consoleErrors.Count == 0, "the page logged errors:\n" + string.Join("\n", consoleErrors));
        }
    }

    /// <summary>
    /// Waits (bounded by <see cref="CatchUp"/>) until <c>/dts/stats</c> counts at least
    /// <paramref name="minimumHandoversOut"/> handovers out (the origin counts one when the target's answer reaches
    /// it, which can be just after the client got its response) and the page shows the counters, members and buckets
    /// of one response fetched while it is shown; returns that response. A response the page never caught up with
    /// (the counters moved on) is fetched again.
    /// </summary>
    private static async Task<JsonElement> PageMatchesStatsAsync(IPage page, HttpClient http, Uri statsUri, long minimumHandoversOut)
    {
        var deadline = DateTime.UtcNow + CatchUp;
        while (true)
        {
            var stats = await http.GetFromJsonAsync<JsonElement>(statsUri);
            if (stats.GetProperty("handoversOut").GetInt64() < minimumHandoversOut && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
                continue;
            }
            try
            {
                await ExpectPageShowsAsync(page, stats, new() { Timeout = 3000 });
                return stats;
            }
            catch (PlaywrightException) when (DateTime.UtcNow < deadline)
            {
                // The page showed something else for 3 s: /dts/stats moved on, read it again.
            }
        }
    }

    private static async Task ExpectPageShowsAsync(IPage page, JsonElement stats, LocatorAssertionsToHaveTextOptions within)
    {
        await Expect(page.Locator("[data-stat=node]")).ToHaveTextAsync(stats.GetProperty("node").GetString()!, within);
        foreach (var counter in new[] { "handoversOut", "handoversIn", "handoverFailures", "fallbacks", "rejected", "served", "activeFlows" })
        {
            await Expect(page.Locator($"[data-stat={counter}]")).ToHaveTextAsync(Integer(stats, counter), within);
        }
        var membership = stats.GetProperty("membership");
        var members = membership.GetProperty("members").EnumerateArray().ToList();
        await Expect(page.Locator("[data-stat=memberCount]")).ToHaveTextAsync(members.Count.ToString(CultureInfo.InvariantCulture), within);
        await Expect(page.Locator("[data-stat=selfBuckets]")).ToHaveTextAsync(Integer(membership, "selfBuckets"), within);
        await Expect(page.Locator("#members tr[data-member]")).ToHaveCountAsync(members.Count, new() { Timeout = within.Timeout });
        foreach (var member in members)
        {
            var id = member.GetProperty("id").GetString()!;
            await Expect(page.Locator($"#members td[data-member-buckets='{id}']")).ToHaveTextAsync(Integer(member, "buckets"), within);
        }
        await Expect(page.Locator("#members tr.self")).ToHaveAttributeAsync("data-member", stats.GetProperty("node").GetString()!, new() { Timeout = within.Timeout });
        await Expect(page.Locator("#failures tr[data-failure]")).ToHaveCountAsync(stats.GetProperty("recentFailures").GetArrayLength(), new() { Timeout = within.Timeout });
    }

    private static string Integer(JsonElement element, string name) =>
        element.GetProperty(name).GetInt64().ToString(CultureInfo.InvariantCulture);

    /// <summary>Where the screenshot goes: <c>DTS_TEST_ARTIFACTS</c> when set, else <c>TestResults/</c> next to the test assembly.</summary>
    private static string ArtifactsDirectory()
    {
        var directory = Environment.GetEnvironmentVariable("DTS_TEST_ARTIFACTS") is { Length: > 0 } set
            ? set
            : Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(directory);
        return directory;
    }

    [GeneratedRegex(@"^\d+\.\d /s$")]
    private static partial Regex RateText();
}
