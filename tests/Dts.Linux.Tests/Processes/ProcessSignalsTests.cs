using System.Diagnostics;
using Dts.Linux.Processes;

namespace Dts.Linux.Tests.Processes;

public sealed class ProcessSignalsTests
{
    [Fact]
    public async Task TrySend_Terminate_EndsTheProcessBySigterm()
    {
        using var sleep = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;

        Assert.True(ProcessSignals.TrySend(sleep.Id, ProcessSignal.Terminate));
        await sleep.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        Assert.Equal(128 + 15, sleep.ExitCode);
    }

    [Fact]
    public async Task TrySend_ExitedAndReaped_ReturnsFalse()
    {
        using var done = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await done.WaitForExitAsync();

        Assert.False(ProcessSignals.TrySend(done.Id, ProcessSignal.Kill));
    }

    [Fact]
    public void TrySend_NonPositivePid_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ProcessSignals.TrySend(0, ProcessSignal.Kill));
    }
}
