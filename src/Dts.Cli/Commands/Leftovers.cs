using DtsTestbed = Dts.Testbed.Testbed;

namespace Dts.Cli.Commands;

/// <summary>
/// What a command that builds its own testbed (demo, bench) does first: removes the leftovers of crashed runs and
/// says which. Machine-wide clean-up is the CLI's decision, not the library's: the runners never touch a testbed
/// they did not build (tests drive them beside other testbeds).
/// </summary>
internal static class Leftovers
{
    public static async Task RemoveAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var removed = await DtsTestbed.CleanupAsync(all: false, cancellationToken).ConfigureAwait(false);
        if (removed.Count > 0)
        {
            output.WriteLine($"  removed leftovers of crashed runs: {string.Join(' ', removed)}");
        }
    }
}
