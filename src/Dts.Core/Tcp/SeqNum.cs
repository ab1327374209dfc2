using System.Globalization;

namespace Dts.Core.Tcp;

/// <summary>
/// A 32-bit TCP sequence (or acknowledgment, or timestamp) number with serial-number arithmetic:
/// addition wraps modulo 2^32 and comparison follows RFC 1982 §3.2 as RFC 9293 §3.4 requires.
/// Raw <see cref="uint"/> sequence numbers are never compared directly.
/// </summary>
/// <param name="Value">The number as it appears on the wire, in host order.</param>
public readonly record struct SeqNum(uint Value) : IComparable<SeqNum>
{
    /// <summary>Advances by <paramref name="delta"/> bytes, modulo 2^32.</summary>
    public static SeqNum operator +(SeqNum a, int delta) => new(unchecked(a.Value + (uint)delta));

    /// <summary>Advances by <paramref name="delta"/> bytes, modulo 2^32.</summary>
    public static SeqNum operator +(SeqNum a, uint delta) => new(unchecked(a.Value + delta));

    /// <summary>Moves back by <paramref name="delta"/> bytes, modulo 2^32.</summary>
    public static SeqNum operator -(SeqNum a, int delta) => new(unchecked(a.Value - (uint)delta));

    /// <summary>Moves back by <paramref name="delta"/> bytes, modulo 2^32.</summary>
    public static SeqNum operator -(SeqNum a, uint delta) => new(unchecked(a.Value - delta));

    /// <summary>
    /// The signed distance <c>a − b</c> in bytes (RFC 1982): positive when <paramref name="a"/> is after
    /// <paramref name="b"/>. Undefined (returns <see cref="int.MinValue"/>) when they are exactly 2^31 apart.
    /// </summary>
    public static int operator -(SeqNum a, SeqNum b) => unchecked((int)(a.Value - b.Value));

    /// <summary>
    /// RFC 1982 "less than": <paramref name="a"/> comes before <paramref name="b"/>. False in both directions
    /// when the two are exactly 2^31 apart (RFC 1982 §3.2 leaves that pair unordered).
    /// </summary>
    public static bool operator <(SeqNum a, SeqNum b) => (a - b) is < 0 and not int.MinValue;

    /// <summary>
    /// RFC 1982 "greater than": <paramref name="a"/> comes after <paramref name="b"/>. False in both directions
    /// when the two are exactly 2^31 apart.
    /// </summary>
    public static bool operator >(SeqNum a, SeqNum b) => (a - b) > 0;

    /// <summary>Before or equal (RFC 1982 §3.2).</summary>
    public static bool operator <=(SeqNum a, SeqNum b) => (a - b) is <= 0 and not int.MinValue;

    /// <summary>After or equal (RFC 1982 §3.2).</summary>
    public static bool operator >=(SeqNum a, SeqNum b) => (a - b) >= 0;

    /// <summary>
    /// Orders by RFC 1982 distance; only meaningful within a 2^31 window. Returns 0 for the unordered pair
    /// exactly 2^31 apart, so the result is antisymmetric (never −1 both ways).
    /// </summary>
    public int CompareTo(SeqNum other) => (this - other) switch
    {
        int.MinValue or 0 => 0,
        < 0 => -1,
        _ => 1,
    };

    /// <summary>True when this number lies in the half-open range [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public bool IsInRange(SeqNum start, SeqNum end) => (this - start) >= 0 && (end - this) > 0;

    /// <inheritdoc />
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
