using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using Dts.Linux;
using Dts.Linux.Namespaces;
using Dts.Testbed.Namespaces;
using Dts.Testbed.Processes;

namespace Dts.Testbed;

public sealed partial class Testbed
{
    /// <summary>
    /// Runs <paramref name="file"/> in the client namespace (<c>ip netns exec &lt;client&gt; …</c>) with stdin closed.
    /// At <paramref name="timeout"/> the process tree is killed and the result has <see cref="ProcessResult.TimedOut"/> set.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired (the process is killed).</exception>
    public Task<ProcessResult> RunInClientAsync(string file, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        RunInNamespaceAsync(ClientNamespace, file, args, timeout, cancellationToken);

    /// <summary>Runs <paramref name="file"/> in namespace <paramref name="namespaceName"/>; see <see cref="RunInClientAsync"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="namespaceName"/> is not one of this testbed's <see cref="Namespaces"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired (the process is killed).</exception>
    public Task<ProcessResult> RunInNamespaceAsync(string namespaceName, string file, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync("ip", ["netns", "exec", OwnNamespace(namespaceName), file, .. args], timeout, cancellationToken);

    /// <summary>Pids of the processes in namespace <paramref name="namespaceName"/> (<c>ip netns pids</c>), this process excluded.</summary>
    /// <exception cref="ArgumentException"><paramref name="namespaceName"/> is not one of this testbed's <see cref="Namespaces"/>.</exception>
    public Task<IReadOnlyList<int>> ProcessIdsInNamespaceAsync(string namespaceName, CancellationToken cancellationToken = default) =>
        Netns.PidsAsync(OwnNamespace(namespaceName), cancellationToken);

    /// <summary>Creates a socket that lives in namespace <paramref name="namespaceName"/> (bind/connect happen there).</summary>
    /// <exception cref="ArgumentException"><paramref name="namespaceName"/> is not one of this testbed's <see cref="Namespaces"/>.</exception>
    /// <exception cref="LinuxSocketException">The namespace does not exist (ENOENT) or entering it failed.</exception>
    /// <exception cref="SocketException">The socket could not be created.</exception>
    public Socket CreateSocket(string namespaceName, AddressFamily family, SocketType type, ProtocolType protocol)
    {
        using var ns = NetworkNamespace.Open(OwnNamespace(namespaceName));
        return ns.CreateSocket(family, type, protocol);
    }

    /// <summary>
    /// An <see cref="HttpClient"/> whose connections are made from the client namespace (so they go through the
    /// router like any client's). No proxy, no connection reuse across tests beyond this instance.
    /// </summary>
    /// <param name="timeout">Per-request timeout; default 30 s.</param>
    public HttpClient CreateClientHttpClient(TimeSpan? timeout = null) => CreateHttpClient(ClientNamespace, timeout);

    /// <summary>
    /// An <see cref="HttpClient"/> whose connections are made from namespace <paramref name="namespaceName"/>, e.g. a
    /// node's (where its etcd member's client URL is reachable); see <see cref="CreateClientHttpClient"/>.
    /// </summary>
    /// <param name="namespaceName">One of this testbed's <see cref="Namespaces"/>.</param>
    /// <param name="timeout">Per-request timeout; default 30 s.</param>
    /// <exception cref="ArgumentException"><paramref name="namespaceName"/> is not one of this testbed's <see cref="Namespaces"/>.</exception>
    [SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The HttpClient owns the handler and disposes it.")]
    public HttpClient CreateHttpClient(string namespaceName, TimeSpan? timeout = null)
    {
        string ns = OwnNamespace(namespaceName);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (context, ct) =>
            {
                var socket = CreateSocket(ns, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.NoDelay = true;
                    var endPoint = IPAddress.TryParse(context.DnsEndPoint.Host, out var ip)
                        ? new IPEndPoint(ip, context.DnsEndPoint.Port)
                        : (EndPoint)context.DnsEndPoint;
                    await socket.ConnectAsync(endPoint, ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { Timeout = timeout ?? TimeSpan.FromSeconds(30) };
    }

    /// <summary>The name back when it is one of this testbed's namespaces: the namespace API never reaches another testbed's.</summary>
    private string OwnNamespace(string namespaceName) =>
        _layout.AllNamespaces.Contains(namespaceName, StringComparer.Ordinal)
            ? namespaceName
            : throw new ArgumentException($"'{namespaceName}' is not a namespace of testbed {RunId}.", nameof(namespaceName));
}
