namespace Dts.Sample.Web;

/// <summary>
/// The content of <c>/bytes/{n}</c>: the byte at offset i is <c>i mod 251</c> (a prime, so the pattern
/// never lines up with buffer or segment sizes). Clients recompute it to check what they received.
/// </summary>
internal static class DeterministicContent
{
    public static void Fill(Span<byte> destination, long offset)
    {
        var value = (int)(offset % 251);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)value;
            value = value == 250 ? 0 : value + 1;
        }
    }
}
