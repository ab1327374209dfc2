using Dts.AspNetCore.Handover;

namespace Dts.AspNetCore.Tests.Handover;

/// <summary>The target's commit point: the first of commit and cancel wins, and a late commit never happens.</summary>
public sealed class HandoverCommitPointTests
{
    private readonly ManualTime _time = new();

    [Fact]
    public void TryCommit_InTime_WinsAndLaterCancelLoses()
    {
        var point = new HandoverCommitPoint(_time, TimeSpan.FromSeconds(1));

        Assert.True(point.TryCommit());
        Assert.False(point.TryCancel());
        Assert.False(point.IsCancelled);
        Assert.False(point.TryCommit()); // at most once
    }

    [Fact]
    public void TryCancel_First_MakesEveryCommitFail()
    {
        var point = new HandoverCommitPoint(_time, TimeSpan.FromSeconds(1));

        Assert.True(point.TryCancel());
        Assert.False(point.TryCommit());
        Assert.True(point.IsCancelled);
    }

    [Fact]
    public void TryCommit_AfterTheWindow_FailsAndCancels()
    {
        var point = new HandoverCommitPoint(_time, TimeSpan.FromSeconds(1));
        _time.Milliseconds += 1000;

        Assert.False(point.TryCommit());
        Assert.True(point.IsCancelled);
    }

    /// <summary>A clock that moves only when told (timestamps in ms).</summary>
    [Fact]
    public void TryCommit_OfferSentLongBeforeItArrived_FailsAndCancels()
    {
        // A target that stalled: the offer reaches it (and its window would start) 6 s after the origin sent it.
        var point = new HandoverCommitPoint(_time, TimeSpan.FromSeconds(1));
        point.MeasureFrom(_time.GetUtcNow() - TimeSpan.FromSeconds(6));

        Assert.False(point.TryCommit());
        Assert.True(point.IsCancelled);
    }

    [Fact]
    public void TryCommit_OfferSentJustNow_Wins()
    {
        var point = new HandoverCommitPoint(_time, TimeSpan.FromSeconds(1));
        point.MeasureFrom(_time.GetUtcNow() - TimeSpan.FromMilliseconds(5));

        Assert.True(point.TryCommit());
    }

    private sealed class ManualTime : TimeProvider
    {
        public long Milliseconds { get; set; }

        public override long TimestampFrequency => 1000;

        public override long GetTimestamp() => Milliseconds;

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch.AddYears(56).AddMilliseconds(Milliseconds);
    }
}
