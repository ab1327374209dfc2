using Dts.Testbed.Sample;
using DtsTestbed = Dts.Testbed.Testbed;

namespace Dts.Demo;

public sealed partial class DemoRunner
{
    private static readonly TimeSpan CurlRequestTimeout = TimeSpan.FromSeconds(20);
    private const int MaxBodyShown = 110;

    /// <summary>A few requests anyone can follow: who accepted the connection, who answered.</summary>
    private async Task VisibleRequestsAsync(DtsTestbed testbed, CancellationToken cancellationToken)
    {
        Section("requests: curl -i from the client namespace, a new connection each (a random client port picks the accepting node)");
        string[] paths = ["/whoami", "/whoami", "/whoami", "/static/hello.txt", "/api/whoami", "/api/whoami"];
        foreach (string path in paths)
        {
            string url = $"http://{testbed.Vip}{path}";
            _out.WriteLine($"  $ curl -i {url}");
            var result = await testbed.RunInClientAsync("curl", ["-sS", "-i", "--max-time", "10", url], CurlRequestTimeout, cancellationToken).ConfigureAwait(false);
            _tally.AddRequests(1);

            var (status, headers, body) = SplitResponse(result.StandardOutput);
            string node = headers.GetValueOrDefault("x-dts-node", "");
            string origin = headers.GetValueOrDefault("x-dts-origin", "");
            if (!result.Succeeded || StatusCode(status) is < 200 or > 299)
            {
                _tally.AddErrors(1, $"GET {path}: {(result.Succeeded ? status : $"curl exit {result.ExitCode}: {result.StandardError.Trim()}")}");
                _out.WriteLine($"    FAILED: {(status.Length > 0 ? status : result.StandardError.Trim())}");
                continue;
            }

            CheckRoute(path, node);
            string how = origin.Length > 0 ? $"{origin} accepted, handed over to {node}" : $"{node} served it on the connection it accepted";
            _out.WriteLine($"    {status}   X-Dts-Node: {node}   X-Dts-Origin: {(origin.Length > 0 ? origin : "-")}   ({how})");
            string firstLine = body.Split('\n', 2)[0].TrimEnd('\r');
            _out.WriteLine($"    {(firstLine.Length > MaxBodyShown ? firstLine[..MaxBodyShown] + "…" : firstLine)}");
        }
    }

    /// <summary>Counts an error when a fixed route was not served by its node (a routing bug, whatever the mechanism).</summary>
    private void CheckRoute(string path, string servedBy)
    {
        string prefix = SampleRoutes.Prefixes.LastOrDefault(p => p.Length > 0 && path.StartsWith(p + "/", StringComparison.Ordinal)) ?? "";
        string? expected = SampleRoutes.ExpectedNode(prefix, _options.NodeCount);
        if (expected is not null && servedBy != expected)
        {
            _tally.AddErrors(1, $"{path} was served by '{servedBy}', its route says {expected}");
        }
    }

    /// <summary>The code of an HTTP status line (<c>HTTP/1.1 200 OK</c>), 0 when there is none.</summary>
    private static int StatusCode(string statusLine)
    {
        string[] parts = statusLine.Split(' ', 3);
        return parts.Length >= 2 && int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out int code) ? code : 0;
    }

    /// <summary>Splits <c>curl -i</c> output into status line, headers (lowercase names) and body.</summary>
    private static (string Status, Dictionary<string, string> Headers, string Body) SplitResponse(string response)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        int end = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return ("", headers, "");
        }

        string[] lines = response[..end].Split("\r\n");
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
            }
        }

        return (lines[0], headers, response[(end + 4)..]);
    }
}
