using Dts.Linux;
using Dts.Testbed;

namespace Dts.Cli;

/// <summary>Turns the expected failures of a command into a message on stderr and exit code 1.</summary>
internal static class CliErrors
{
    public static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is TestbedCommandException or TestbedNodeException or ArgumentException
            or UnauthorizedAccessException or InvalidOperationException or IOException or InvalidDataException or LinuxSocketException)
        {
            await Console.Error.WriteLineAsync("dts: " + ex.Message);
            return 1;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("dts: cancelled");
            return 130;
        }
    }
}
