using CsCheck;
using Dts.Core.Tcp;

namespace Dts.Core.Tests.Tcp;

public class SeqNumTests
{
    [Theory]
    [InlineData(0xFFFFFFF0u, 0x00000010u)] // just before the wrap is before just after it
    [InlineData(0xFFFFFFFFu, 0x00000000u)] // RFC 1982 §5.2 "255 < 0" scaled to 32 bits
    [InlineData(0x00000000u, 0x7FFFFFFFu)] // 2^31 − 1 ahead is still after
    [InlineData(0x80000000u, 0xFFFFFFFFu)] // RFC 1982 §5.2 "128 < 255" analogue
    [InlineData(0x7FFFFFFFu, 0xFFFFFFFEu)]
    public void LessThan_Rfc1982Pairs_OrdersAcrossWrap(uint earlier, uint later)
    {
        var a = new SeqNum(earlier);
        var b = new SeqNum(later);

        Assert.True(a < b);
        Assert.True(b > a);
        Assert.True(a <= b);
        Assert.False(a >= b);
        Assert.Equal(-1, a.CompareTo(b));
        Assert.Equal(1, b.CompareTo(a));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(0x7FFFFFFFu)]
    [InlineData(0xFFFFFFFFu)]
    public void Compare_ExactlyHalfSpaceApart_IsUnorderedBothWays(uint start)
    {
        var a = new SeqNum(start);
        var b = a + 0x80000000u;

        Assert.False(a < b);
        Assert.False(b < a);
        Assert.False(a > b);
        Assert.False(b > a);
        Assert.False(a <= b);
        Assert.False(b >= a);
        Assert.Equal(0, a.CompareTo(b));
        Assert.Equal(0, b.CompareTo(a));
    }

    [Fact]
    public void Add_PastMaxValue_WrapsModulo2To32()
    {
        Assert.Equal(new SeqNum(1), new SeqNum(0xFFFFFFFF) + 2);
        Assert.Equal(new SeqNum(0xFFFFFFFE), new SeqNum(3) - 5);
        Assert.Equal(new SeqNum(0x10), new SeqNum(0xFFFFFFF0) + 0x20u);
    }

    [Fact]
    public void Distance_AcrossWrap_IsSmallAndSigned()
    {
        Assert.Equal(10, new SeqNum(5) - new SeqNum(0xFFFFFFFB));
        Assert.Equal(-10, new SeqNum(0xFFFFFFFB) - new SeqNum(5));
    }

    [Theory]
    [InlineData(0xFFFFFFF0u, 0x00000010u, 0xFFFFFFF0u, true)]  // start is inside
    [InlineData(0xFFFFFFF0u, 0x00000010u, 0x00000000u, true)]  // wrap point is inside
    [InlineData(0xFFFFFFF0u, 0x00000010u, 0x0000000Fu, true)]  // last inside
    [InlineData(0xFFFFFFF0u, 0x00000010u, 0x00000010u, false)] // end is exclusive
    [InlineData(0xFFFFFFF0u, 0x00000010u, 0xFFFFFFEFu, false)] // just before start
    [InlineData(0x00000005u, 0x00000005u, 0x00000005u, false)] // empty range
    public void IsInRange_HalfOpenRangeAcrossWrap_MatchesMembership(uint start, uint end, uint value, bool expected) =>
        Assert.Equal(expected, new SeqNum(value).IsInRange(new SeqNum(start), new SeqNum(end)));

    [Fact]
    public void Add_AnyPositiveDeltaBelowHalfSpace_ResultIsAfterAndDistanceRoundTrips()
    {
        Gen.Select(Gen.UInt, Gen.Int[1, int.MaxValue]).Sample((start, delta) =>
        {
            var a = new SeqNum(start);
            SeqNum b = a + delta;
            return a < b && b > a && !(b < a) && b - a == delta && b - delta == a;
        });
    }

    [Fact]
    public void CompareTo_AnyPair_IsAntisymmetricAndAgreesWithOperators()
    {
        Gen.Select(Gen.UInt, Gen.UInt).Sample((x, y) =>
        {
            var a = new SeqNum(x);
            var b = new SeqNum(y);
            int c = a.CompareTo(b);
            return c == -b.CompareTo(a) && (c < 0) == (a < b) && (c > 0) == (a > b) && (c == 0) == (a == b || b - a == int.MinValue);
        });
    }

    [Fact]
    public void IsInRange_AnyStartLengthOffset_TrueExactlyWhenOffsetBelowLength()
    {
        Gen.Select(Gen.UInt, Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue]).Sample((start, length, offset) =>
        {
            var s = new SeqNum(start);
            return (s + offset).IsInRange(s, s + length) == (offset < length);
        });
    }
}
