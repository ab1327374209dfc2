using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Dts.Testbed.Namespaces;

/// <summary>
/// Creates sockets that live in a named network namespace (<c>/run/netns/&lt;name&gt;</c>): a short-lived
/// thread enters the namespace with <c>setns(2)</c>, creates the socket and exits; the socket stays bound
/// to that namespace for its whole life and can be used from any thread.
/// </summary>
/// <remarks>Stand-in for <c>Dts.Linux.Namespaces.NetworkNamespace.CreateSocket</c>.</remarks>
internal static class NamespaceSockets
{
    /// <summary>Creates a socket inside the network namespace <paramref name="namespaceName"/>.</summary>
    /// <exception cref="FileNotFoundException">The namespace does not exist.</exception>
    /// <exception cref="IOException"><c>setns</c> failed (errno in the message).</exception>
    /// <exception cref="SocketException">The socket could not be created.</exception>
    public static Socket Create(string namespaceName, AddressFamily family, SocketType type, ProtocolType protocol)
    {
        return Run(namespaceName, () => new Socket(family, type, protocol));
    }

    /// <summary>Runs <paramref name="action"/> on a fresh thread that entered the namespace first.</summary>
    public static T Run<T>(string namespaceName, Func<T> action)
    {
        string path = NetnsPath(namespaceName);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        T? result = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                if (Interop.Libc.setns(handle, Interop.Libc.CLONE_NEWNET) != 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    throw new IOException($"setns({path}, CLONE_NEWNET) failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
                }

                result = action();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        })
        {
            IsBackground = true,
            Name = "dts-setns",
        };
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        return result!;
    }

    /// <summary>The bind-mount path <c>ip netns</c> uses for a named namespace.</summary>
    public static string NetnsPath(string namespaceName) => Path.Combine("/run/netns", namespaceName);
}
