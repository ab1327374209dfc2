using System.Security.Cryptography;

namespace Dts.Testbed.Sample;

/// <summary>
/// The bytes the demo and the bench expect and send: <c>GET /bytes/{n}</c> answers byte <c>i</c> = <c>i mod 251</c>
/// (samples/Dts.Sample.Web/DeterministicContent.cs); uploads are a fixed pseudo-random sequence (xorshift32, seed
/// 0x5eed), so a reordered, dropped or duplicated segment changes the hash.
/// </summary>
public static class SampleContent
{
    private const int Modulus = 251;

    /// <summary>Lowercase hex SHA-256 of the first <paramref name="length"/> bytes of <c>/bytes/{n}</c>.</summary>
    public static string DownloadSha256(long length)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var block = new byte[Modulus * 1024];
        for (int i = 0; i < block.Length; i++)
        {
            block[i] = (byte)(i % Modulus);
        }

        for (long done = 0; done < length; done += block.Length)
        {
            sha.AppendData(block, 0, (int)Math.Min(block.Length, length - done));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>The upload body of <paramref name="length"/> bytes.</summary>
    public static byte[] UploadBody(int length)
    {
        var body = new byte[length];
        uint x = 0x5eed;
        for (int i = 0; i < length; i++)
        {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            body[i] = (byte)x;
        }

        return body;
    }

    /// <summary>What <c>POST /echo</c> answers for <paramref name="body"/>: <c>"&lt;sha256 hex&gt; &lt;length&gt;"</c>.</summary>
    public static string EchoLine(ReadOnlySpan<byte> body) => $"{Convert.ToHexStringLower(SHA256.HashData(body))} {body.Length}";
}
