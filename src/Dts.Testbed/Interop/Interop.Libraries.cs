namespace Dts.Testbed;

/// <summary>
/// The few libc calls the testbed needs until <c>Dts.Linux</c> offers them (network namespace entry and
/// signals). Kept in this folder only, so switching to <c>Dts.Linux.Namespaces.NetworkNamespace</c>
/// later touches nothing else.
/// </summary>
internal static partial class Interop
{
    internal static partial class Libraries
    {
        internal const string Libc = "libc";
    }
}
