using Dts.Core.Splice;

namespace Dts.Core.Tests.Splice;

public sealed class SpliceFlowStateSizeTests
{
    [Fact]
    public void ApproximateSizeBytes_CoversTheStateObject()
    {
        var rules = new SpliceRules(1, 2, 7, 7);
        _ = new SpliceFlowState(rules, 0); // JIT the constructor first
        const int Count = 1000;
        var keep = new SpliceFlowState[Count];

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Count; i++)
        {
            keep[i] = new SpliceFlowState(rules, i);
        }
        var perState = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Count;

        Assert.InRange(perState, 1, SpliceFlowState.ApproximateSizeBytes - 48);
        GC.KeepAlive(keep);
    }
}
