using System.Runtime.InteropServices;

namespace Dts.Linux;

/// <summary>
/// A failed Linux system call: which operation (e.g. <c>setsockopt(TCP_REPAIR_WINDOW)</c>), the errno it
/// returned and the C library's text for it (strerror).
/// </summary>
public sealed class LinuxSocketException : Exception
{
    /// <summary>Creates the exception for <paramref name="operation"/> failing with <paramref name="errno"/>.</summary>
    /// <param name="operation">The call and, where useful, its option, e.g. <c>setsockopt(TCP_REPAIR)</c>.</param>
    /// <param name="errno">The errno value (asm-generic/errno-base.h).</param>
    public LinuxSocketException(string operation, int errno)
        : base($"{operation} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})")
    {
        Operation = operation;
        Errno = errno;
        ErrorText = Marshal.GetPInvokeErrorMessage(errno);
    }

    /// <summary>The call that failed, e.g. <c>setsockopt(TCP_REPAIR_WINDOW)</c>.</summary>
    public string Operation { get; }

    /// <summary>The errno value the call returned.</summary>
    public int Errno { get; }

    /// <summary>strerror(<see cref="Errno"/>).</summary>
    public string ErrorText { get; }

    /// <summary>Builds the exception from the errno the last [LibraryImport(SetLastError = true)] call saved.</summary>
    internal static LinuxSocketException FromLastError(string operation) =>
        new(operation, Marshal.GetLastPInvokeError());

    /// <summary>
    /// Like <see cref="FromLastError(string)"/>, but reads errno before formatting the operation text:
    /// formatting can itself run framework P/Invokes that overwrite the saved error (the first
    /// IPEndPoint.ToString() in a process does).
    /// </summary>
    internal static LinuxSocketException FromLastError(Func<string> operation)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new(operation(), errno);
    }
}
