using System.Globalization;
using Dts.Testbed.Sample;
using DtsTestbed = Dts.Testbed.Testbed;

namespace Dts.Demo;

public sealed partial class DemoRunner
{
    private const double MiB = 1 << 20;

    /// <summary>
    /// <c>GET …/bytes/{n}</c> on every route, each on a new connection, piped through <c>sha256sum</c> in the client
    /// namespace and compared with the hash of the deterministic content computed here.
    /// </summary>
    private async Task DownloadsAsync(DtsTestbed testbed, CancellationToken cancellationToken)
    {
        long size = _options.DownloadBytes;
        Section($"downloads: {_options.DownloadsPerRoute} × {Size(size)} per route, curl | sha256sum, a new connection each");
        if (_options.DownloadsPerRoute == 0)
        {
            return;
        }

        string expected = SampleContent.DownloadSha256(size);
        _out.WriteLine($"  expected sha256 {expected} (byte i = i mod 251)");
        // Generous for a healthy transfer (tens of MiB/s here), short enough that a stalled one doesn't stall the demo.
        var timeout = TimeSpan.FromSeconds(20) + TimeSpan.FromSeconds(size / (8 * MiB));
        const string Script = "set -o pipefail; curl -sS --max-time \"$1\" -w \"$2\" \"$3\" | sha256sum";
        foreach (string prefix in SampleRoutes.Prefixes)
        {
            for (int k = 0; k < _options.DownloadsPerRoute; k++)
            {
                string path = $"{prefix}/bytes/{size}";
                string maxTime = ((int)timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                var result = await testbed.RunInClientAsync("bash", ["-c", Script, "dts-download", maxTime, CurlTransfer.WriteOut, $"http://{testbed.Vip}{path}"], timeout + TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
                _tally.AddRequests(1);

                bool parsed = CurlTransfer.TryParse(result.StandardError, out var t);
                string sha = result.StandardOutput.Split(' ', 2)[0].Trim();
                bool intact = result.Succeeded && parsed && t.HttpCode == 200 && t.BytesDownloaded == size && sha == expected;
                _tally.AddTransfer(intact);
                if (!intact)
                {
                    _tally.AddErrors(1, $"GET {path}: HTTP {t.HttpCode}, {t.BytesDownloaded} bytes, sha256 {sha} (curl exit {result.ExitCode} {StderrWithoutWriteOut(result.StandardError)})");
                }
                else
                {
                    CheckRoute(path, t.Node);
                }

                _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  GET {path,-26} {t.HttpCode}  {Served(t),-32} sha256 {(intact ? "ok" : "MISMATCH"),-8} {t.Seconds,5:0.00} s {t.BytesDownloaded / MiB / Math.Max(t.Seconds, 1e-6),6:0} MiB/s"));
            }
        }
    }

    /// <summary>
    /// <c>POST …/echo</c> with a deterministic body on every route, each on a new connection; the node answers the
    /// SHA-256 and length of what it received, which must be the body's.
    /// </summary>
    private async Task UploadsAsync(DtsTestbed testbed, CancellationToken cancellationToken)
    {
        Section($"uploads: {_options.UploadsPerRoute} × {Size(_options.UploadBytes)} per route, curl --data-binary, POST …/echo answers sha256 and length");
        if (_options.UploadsPerRoute == 0)
        {
            return;
        }

        byte[] body = SampleContent.UploadBody(_options.UploadBytes);
        string file = Path.Combine(testbed.RunDirectory, "demo-upload.bin");
        await File.WriteAllBytesAsync(file, body, cancellationToken).ConfigureAwait(false);
        string expected = SampleContent.EchoLine(body);
        _out.WriteLine($"  expected answer {expected}");
        var timeout = TimeSpan.FromSeconds(10) + TimeSpan.FromSeconds(body.Length / (8 * MiB));
        string maxTime = ((int)timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        foreach (string prefix in SampleRoutes.Prefixes)
        {
            string path = $"{prefix}/echo";
            int intactCount = 0, handedOver = 0;
            double seconds = 0;
            var servedBy = new SortedSet<string>(StringComparer.Ordinal);
            for (int k = 0; k < _options.UploadsPerRoute; k++)
            {
                var result = await testbed.RunInClientAsync(
                    "curl",
                    ["-sS", "--max-time", maxTime, "-H", "Content-Type: application/octet-stream", "--data-binary", "@" + file, "-w", CurlTransfer.WriteOut, $"http://{testbed.Vip}{path}"],
                    timeout + TimeSpan.FromSeconds(10),
                    cancellationToken).ConfigureAwait(false);
                _tally.AddRequests(1);

                bool parsed = CurlTransfer.TryParse(result.StandardError, out var t);
                string answer = result.StandardOutput.Trim();
                bool intact = result.Succeeded && parsed && t.HttpCode == 200 && answer == expected;
                _tally.AddTransfer(intact);
                if (!intact)
                {
                    _tally.AddErrors(1, $"POST {path}: HTTP {t.HttpCode}, answer '{answer}' (curl exit {result.ExitCode} {StderrWithoutWriteOut(result.StandardError)})");
                    continue;
                }

                CheckRoute(path, t.Node);
                intactCount++;
                handedOver += t.HandedOver ? 1 : 0;
                seconds += t.Seconds;
                servedBy.Add(t.Node);
            }

            _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  POST {path,-13} intact {intactCount}/{_options.UploadsPerRoute}   handed over {handedOver}/{_options.UploadsPerRoute}   served by {string.Join(',', servedBy),-9} {(intactCount > 0 ? seconds * 1000 / intactCount : 0),6:0.0} ms each"));
        }
    }

    private static string Served(CurlTransfer t) =>
        t.Node.Length == 0 ? "no X-Dts-Node"
        : t.HandedOver ? $"{t.Origin} accepted → {t.Node} served"
        : $"{t.Node} accepted and served";

    private static string StderrWithoutWriteOut(string standardError) =>
        string.Join(' ', standardError.Split('\n').Where(l => !l.StartsWith("dts-curl|", StringComparison.Ordinal)).Select(l => l.Trim())).Trim();
}
