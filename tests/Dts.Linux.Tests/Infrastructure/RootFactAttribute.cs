using Dts.Linux;

namespace Dts.Linux.Tests.Infrastructure;

/// <summary>A fact that needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN for namespaces); skipped with a reason otherwise.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!LinuxEnvironment.IsRoot)
        {
            Skip = "Needs root (geteuid() == 0): TCP_REPAIR, nftables and network namespaces need CAP_NET_ADMIN/CAP_SYS_ADMIN.";
        }
    }
}
