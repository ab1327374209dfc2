using System.Net;

namespace Dts.Linux.Doctor;

/// <summary>What <see cref="NodeDoctor"/> examines.</summary>
public sealed record NodeDoctorOptions
{
    /// <summary>
    /// The network namespace the node runs in (a name under /run/netns or a path such as <c>/proc/PID/ns/net</c>);
    /// null (default): the doctor's own. Its sysctls, addresses and routes are checked; the kernel features are
    /// probed in a private namespace either way.
    /// </summary>
    public string? Namespace { get; init; }

    /// <summary>The cluster's VIP (IPv4); null (default): the first /32 address on <c>lo</c> outside 127.0.0.0/8.</summary>
    public IPAddress? Vip { get; init; }
}
