namespace Dts.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A fact that needs root (network namespaces, nftables, TCP_REPAIR). Skipped, with the reason, when the
/// test process is not root; CI runs as root, so there it always runs.
/// </summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (Environment.UserName != "root" && !IsEuidZero())
        {
            Skip = "needs root: builds network namespaces, nft tables and uses TCP_REPAIR";
        }
    }

    private static bool IsEuidZero() =>
        File.ReadAllLines("/proc/self/status").Any(l => l.StartsWith("Uid:", StringComparison.Ordinal) && l.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2] == "0");
}
