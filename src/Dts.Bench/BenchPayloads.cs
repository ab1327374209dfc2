using System.Text;
using Dts.Testbed.Sample;

namespace Dts.Bench;

/// <summary>
/// The bytes every mode is checked against (the same for all): <c>GET …/bytes/{n}</c> answers byte <c>i</c> =
/// <c>i mod 251</c>; <c>POST …/echo</c> answers <c>"&lt;sha256 hex&gt; &lt;length&gt;\n"</c> of the body it read.
/// </summary>
internal sealed class BenchPayloads
{
    public BenchPayloads(BenchOptions options)
    {
        Small = new byte[options.SmallResponseBytes];
        for (int i = 0; i < Small.Length; i++)
        {
            Small[i] = (byte)(i % 251);
        }

        DownloadBytes = options.DownloadBytes;
        DownloadSha256 = SampleContent.DownloadSha256(options.DownloadBytes);
        Upload = SampleContent.UploadBody(options.UploadBytes);
        EchoLine = SampleContent.EchoLine(Upload);
    }

    /// <summary>The expected w1/w2 response body.</summary>
    public byte[] Small { get; }

    /// <summary>Size of a w3 download.</summary>
    public long DownloadBytes { get; }

    /// <summary>Lowercase hex SHA-256 of a w3 download.</summary>
    public string DownloadSha256 { get; }

    /// <summary>The w4 request body.</summary>
    public byte[] Upload { get; }

    /// <summary>The expected w4 answer without its trailing newline.</summary>
    public string EchoLine { get; }

    /// <summary>Size in words for headers: <c>1 KiB</c>, <c>64 MiB</c>.</summary>
    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 20 when bytes % (1L << 20) == 0 => $"{bytes >> 20} MiB",
        >= 1L << 10 when bytes % (1L << 10) == 0 => $"{bytes >> 10} KiB",
        _ => $"{bytes} B",
    };

    /// <summary>The text of an echo answer as the client should compare it.</summary>
    public static string Normalize(byte[] answer) => Encoding.ASCII.GetString(answer).TrimEnd('\n', '\r', ' ');
}
