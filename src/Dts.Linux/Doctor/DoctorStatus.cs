namespace Dts.Linux.Doctor;

/// <summary>The outcome of one <see cref="DoctorCheck"/>, from harmless to blocking.</summary>
public enum DoctorStatus
{
    /// <summary>The machine does what the product needs here.</summary>
    Pass = 0,

    /// <summary>Advice about something the doctor cannot see from this machine (the switch, the router).</summary>
    Hint = 1,

    /// <summary>Works, with a risk or a cost the fix removes.</summary>
    Warn = 2,

    /// <summary>The product (or a mechanism of it) does not work on this machine until the fix is applied.</summary>
    Fail = 3,
}
