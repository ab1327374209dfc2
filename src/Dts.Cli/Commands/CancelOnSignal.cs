using System.Runtime.InteropServices;

namespace Dts.Cli.Commands;

/// <summary>
/// Runs a long command (demo, bench) so that Ctrl+C or SIGTERM cancels it and it still tears its testbed down:
/// the signal is swallowed and turned into cancellation (System.CommandLine's own handling would end the process
/// two seconds after cancelling, cutting the teardown short).
/// </summary>
internal static class CancelOnSignal
{
    public static async Task<int> RunAsync(string what, Func<CancellationToken, Task<int>> command)
    {
        using var cts = new CancellationTokenSource();
        void Cancel(PosixSignalContext context)
        {
            context.Cancel = true;
            if (!cts.IsCancellationRequested)
            {
                Console.Error.WriteLine($"dts: stopping the {what} and tearing the testbed down…");
                cts.Cancel();
            }
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        return await command(cts.Token).ConfigureAwait(false);
    }
}
