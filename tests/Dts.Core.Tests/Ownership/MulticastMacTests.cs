using System.Net;
using Dts.Core.Ownership;

namespace Dts.Core.Tests.Ownership;

public sealed class MulticastMacTests
{
    [Theory]
    [InlineData("198.18.0.100", "01:00:5e:12:00:64")]
    [InlineData("239.255.255.255", "01:00:5e:7f:ff:ff")]
    [InlineData("10.128.1.2", "01:00:5e:00:01:02")]
    public void For_Ipv4_KeepsLow23Bits(string address, string expected)
    {
        Assert.Equal(expected, MulticastMac.ToText(MulticastMac.For(IPAddress.Parse(address))));
    }

    [Fact]
    public void For_Ipv6_Throws()
    {
        Assert.Throws<ArgumentException>(() => MulticastMac.For(IPAddress.Parse("2001:db8::1")));
    }
}
