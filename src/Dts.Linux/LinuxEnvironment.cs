namespace Dts.Linux;

/// <summary>Facts about the process the code runs in.</summary>
public static class LinuxEnvironment
{
    /// <summary>
    /// True when the effective user id is 0 (geteuid(2)). Root normally implies CAP_NET_ADMIN, which
    /// <c>TCP_REPAIR</c>, nftables and setns(2) need.
    /// </summary>
    public static bool IsRoot => Interop.Libc.geteuid() == 0;
}
