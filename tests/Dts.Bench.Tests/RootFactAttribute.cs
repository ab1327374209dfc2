namespace Dts.Bench.Tests;

/// <summary>A fact that needs root (network namespaces); skipped with a reason otherwise. CI runs as root.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "Needs root: creates network namespaces.";
        }
    }
}
