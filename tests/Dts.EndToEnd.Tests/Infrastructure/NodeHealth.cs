using System.Net;
using System.Text.Json;

namespace Dts.EndToEnd.Tests.Infrastructure;

/// <summary>A node's <c>GET /dts/health</c> on its management endpoint: the status code and the health report (JSON).</summary>
internal static class NodeHealth
{
    public static async Task<(HttpStatusCode Code, JsonElement Report)> GetAsync(Testbed.Testbed t, int node)
    {
        using var http = t.CreateClientHttpClient(TimeSpan.FromSeconds(10));
        using var response = await http.GetAsync(t.ManagementUri(node, "/dts/health"));
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(body).RootElement.Clone());
    }

    /// <summary>One check's entry of the report (<c>checks.&lt;name&gt;</c>).</summary>
    public static JsonElement Check(this JsonElement report, string name) => report.GetProperty("checks").GetProperty(name);

    public static string Status(this JsonElement element) => element.GetProperty("status").GetString()!;
}
