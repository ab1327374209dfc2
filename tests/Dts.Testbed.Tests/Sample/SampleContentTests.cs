using Dts.Testbed.Sample;

namespace Dts.Testbed.Tests.Sample;

public sealed class SampleContentTests
{
    [Fact]
    public void UploadEchoLine_KnownBody_Sha256AndLength()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad 3", SampleContent.EchoLine("abc"u8));
    }
}
