using Dts.Testbed.Sample;

namespace Dts.Testbed.Tests.Sample;

public sealed class SampleRoutesTests
{
    [Theory]
    [InlineData(1, "n1", "n1")]
    [InlineData(2, "n2", "n1")]
    [InlineData(3, "n2", "n3")]
    [InlineData(5, "n2", "n3")]
    public void ExpectedNode_NodeCount_RoutesToExistingNodes(int nodes, string staticNode, string apiNode)
    {
        Assert.Equal(staticNode, SampleRoutes.ExpectedNode("/static", nodes));
        Assert.Equal(apiNode, SampleRoutes.ExpectedNode("/api", nodes));
        Assert.Null(SampleRoutes.ExpectedNode("", nodes));
        Assert.All(SampleRoutes.NodeSettings(nodes).Values, v => Assert.InRange(int.Parse(v[1..], System.Globalization.CultureInfo.InvariantCulture), 1, nodes));
    }
}
