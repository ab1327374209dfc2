using System.Security.Cryptography;

namespace Dts.EndToEnd.Tests.Infrastructure;

/// <summary>What the sample app's <c>/bytes/{n}</c> sends: byte i is <c>i mod 251</c> (samples/Dts.Sample.Web/DeterministicContent.cs).</summary>
internal static class SampleContent
{
    public static string Sha256Hex(long length)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var block = new byte[251 * 256];
        for (var i = 0; i < block.Length; i++)
        {
            block[i] = (byte)(i % 251);
        }
        for (long done = 0; done < length; done += block.Length)
        {
            sha.AppendData(block, 0, (int)Math.Min(block.Length, length - done));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Deterministic upload content: byte i is <c>(13 i) mod 256</c>.</summary>
    public static byte[] Upload(int length)
    {
        var body = new byte[length];
        for (var i = 0; i < length; i++)
        {
            body[i] = (byte)(i * 13);
        }
        return body;
    }
}
