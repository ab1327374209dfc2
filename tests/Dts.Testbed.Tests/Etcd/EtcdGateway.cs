using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Dts.Testbed.Tests.Etcd;

/// <summary>etcd's v3 JSON gateway (<c>POST /v3/kv/put</c>, <c>/v3/kv/range</c>; keys and values base64), reached from a node namespace.</summary>
internal static class EtcdGateway
{
    public static async Task PutAsync(HttpClient http, string endpoint, string key, string value)
    {
        using var response = await http.PostAsJsonAsync($"{endpoint}/v3/kv/put", new { key = Base64(key), value = Base64(value) });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The value of <paramref name="key"/> (a linearizable read: it needs the member's quorum), or null.</summary>
    public static async Task<string?> GetAsync(HttpClient http, string endpoint, string key)
    {
        using var response = await http.PostAsJsonAsync($"{endpoint}/v3/kv/range", new { key = Base64(key) });
        response.EnsureSuccessStatusCode();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return body["kvs"]?.AsArray().FirstOrDefault()?["value"] is JsonNode v ? Encoding.UTF8.GetString(Convert.FromBase64String((string)v!)) : null;
    }

    private static string Base64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));
}
