namespace Dts.Linux.Doctor;

/// <summary>One line of <see cref="NodeDoctor"/>'s report.</summary>
/// <param name="Name">What was checked, e.g. <c>TCP_REPAIR</c> or <c>rp_filter (eth0)</c>.</param>
/// <param name="Status">The outcome.</param>
/// <param name="Detail">What was found (the value read, the error the kernel returned).</param>
/// <param name="Fix">What to do about it (a command when there is one); null when nothing needs doing.</param>
public sealed record DoctorCheck(string Name, DoctorStatus Status, string Detail, string? Fix = null);
