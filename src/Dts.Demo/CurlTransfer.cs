using System.Globalization;

namespace Dts.Demo;

/// <summary>
/// One curl transfer as its <c>--write-out</c> line describes it. The demo makes curl print
/// <see cref="WriteOut"/> on stderr, so stdout stays the body (or the hash a pipe computed from it).
/// </summary>
/// <param name="HttpCode">Status code; 0 when no response arrived.</param>
/// <param name="BytesDownloaded">Response body bytes received.</param>
/// <param name="Seconds">Total time of the transfer.</param>
/// <param name="Node">The <c>X-Dts-Node</c> response header: who served it (empty when absent).</param>
/// <param name="Origin">The <c>X-Dts-Origin</c> response header: who handed the connection over (empty when it was not).</param>
internal sealed record CurlTransfer(int HttpCode, long BytesDownloaded, double Seconds, string Node, string Origin)
{
    private const string Marker = "dts-curl|";

    /// <summary>The <c>-w</c> argument: everything after <c>%{stderr}</c> goes to stderr (curl ≥ 7.63; <c>%header{}</c> ≥ 7.84).</summary>
    public const string WriteOut = "%{stderr}" + Marker + "%{http_code}|%{size_download}|%{time_total}|%header{x-dts-node}|%header{x-dts-origin}\\n";

    /// <summary>Whether the connection was handed over to the serving node.</summary>
    public bool HandedOver => Origin.Length > 0;

    /// <summary>Finds the write-out line in curl's stderr (error messages may precede it).</summary>
    public static bool TryParse(string standardError, out CurlTransfer transfer)
    {
        transfer = new CurlTransfer(0, 0, 0, "", "");
        string? line = standardError.Split('\n').LastOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal));
        string[] f = line?[Marker.Length..].TrimEnd('\r').Split('|') ?? [];
        if (f.Length != 5
            || !int.TryParse(f[0], CultureInfo.InvariantCulture, out int code)
            || !long.TryParse(f[1], CultureInfo.InvariantCulture, out long bytes)
            || !double.TryParse(f[2], CultureInfo.InvariantCulture, out double seconds))
        {
            return false;
        }

        transfer = new CurlTransfer(code, bytes, seconds, f[3].Trim(), f[4].Trim());
        return true;
    }
}
