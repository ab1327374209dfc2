using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;

namespace Dts.Linux.Namespaces;

/// <summary>
/// A network namespace (a file under /run/netns, as <c>ip netns add</c> creates it) with a dedicated,
/// long-lived thread that entered it once with setns(2) (CLONE_NEWNET). setns affects only the calling
/// thread, so work that must happen inside the namespace (socket(2), libnftables context creation) is
/// run on that thread. A socket keeps the namespace it was created in: once created it can be used from
/// any thread.
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    private readonly SafeFdHandle? _fd;
    private readonly BlockingCollection<WorkItem> _queue = new();
    private readonly Thread _thread;
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NetworkNamespace(string name, SafeFdHandle? fd)
    {
        Name = name;
        _fd = fd;
        _thread = new Thread(ThreadMain) { IsBackground = true, Name = $"netns {name}" };
        _thread.Start();
    }

    /// <summary>The namespace's name (the file name under /run/netns) or the path it was opened from.</summary>
    public string Name { get; }

    /// <summary>
    /// Opens /run/netns/<paramref name="name"/> and starts the namespace's thread.
    /// </summary>
    /// <exception cref="LinuxSocketException">open(2) failed (ENOENT: no such namespace) or setns(2) failed
    /// (EPERM without CAP_SYS_ADMIN).</exception>
    public static NetworkNamespace Open(string name)
    {
        string path = PathOf(name);
        int fd = Interop.Libc.open(path, Interop.Libc.O_RDONLY | Interop.Libc.O_CLOEXEC);
        if (fd < 0)
        {
            throw LinuxSocketException.FromLastError(() => $"open({path})");
        }

        return Entered(new NetworkNamespace(name, new SafeFdHandle(fd)));
    }

    /// <summary>
    /// Creates a new, empty network namespace (unshare(2) CLONE_NEWNET on the namespace's thread; loopback down)
    /// that has no name under /run/netns: it ends when this object is disposed and the last socket created in it
    /// is closed, so nothing is left behind even if the process dies. For throwaway probes and experiments.
    /// </summary>
    /// <param name="name">A name for diagnostics (the thread's name); no file is created.</param>
    /// <exception cref="LinuxSocketException">unshare(2) failed (EPERM without CAP_SYS_ADMIN).</exception>
    public static NetworkNamespace CreatePrivate(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Entered(new NetworkNamespace(name, null));
    }

    /// <summary>Waits until <paramref name="ns"/>'s thread entered it; disposes it and rethrows when that failed.</summary>
    private static NetworkNamespace Entered(NetworkNamespace ns)
    {
        try
        {
            ns._entered.Task.GetAwaiter().GetResult();
        }
        catch
        {
            ns.Dispose();
            throw;
        }

        return ns;
    }

    /// <summary>
    /// The file that stands for namespace <paramref name="name"/>: the bind mount <c>ip netns add</c> makes under
    /// /run/netns, or <paramref name="name"/> itself when it is a path (e.g. <c>/proc/&lt;pid&gt;/ns/net</c>).
    /// </summary>
    public static string PathOf(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return name.Contains('/', StringComparison.Ordinal) ? name : Path.Combine("/run/netns", name);
    }

    /// <summary>Runs <paramref name="action"/> inside the namespace and waits for it; exceptions propagate.</summary>
    /// <exception cref="ObjectDisposedException">The namespace was disposed.</exception>
    public T Run<T>(Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (Environment.CurrentManagedThreadId == _thread.ManagedThreadId)
        {
            return action();
        }

        T result = default!;
        using var item = new WorkItem(() => result = action());
        ObjectDisposedException.ThrowIf(_queue.IsAddingCompleted, this);
        _queue.Add(item);
        item.Done.Wait();
        item.Error?.Throw();
        return result;
    }

    /// <summary>Runs <paramref name="action"/> inside the namespace and waits for it; exceptions propagate.</summary>
    /// <exception cref="ObjectDisposedException">The namespace was disposed.</exception>
    public void Run(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Run<object?>(() =>
        {
            action();
            return null;
        });
    }

    /// <summary>Creates a socket in this namespace (socket(2) on the namespace's thread).</summary>
    /// <exception cref="SocketException">socket(2) failed.</exception>
    public Socket CreateSocket(AddressFamily addressFamily, SocketType socketType, ProtocolType protocolType) =>
        Run(() => new Socket(addressFamily, socketType, protocolType));

    /// <summary>Stops the thread (after queued work finishes) and closes the namespace fd. The namespace
    /// itself and sockets created in it live on.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        if (Environment.CurrentManagedThreadId != _thread.ManagedThreadId)
        {
            _thread.Join();
        }

        _queue.Dispose();
        _fd?.Dispose();
    }

    private void ThreadMain()
    {
        if (_fd is null ? Interop.Libc.unshare(Interop.Libc.CLONE_NEWNET) != 0 : Interop.Libc.setns(_fd, Interop.Libc.CLONE_NEWNET) != 0)
        {
            _entered.SetException(LinuxSocketException.FromLastError(() => _fd is null ? "unshare(CLONE_NEWNET)" : $"setns({Name}, CLONE_NEWNET)"));
            return;
        }

        _entered.SetResult();
        foreach (WorkItem item in _queue.GetConsumingEnumerable())
        {
            try
            {
                item.Action();
            }
            catch (Exception ex)
            {
                item.Error = ExceptionDispatchInfo.Capture(ex);
            }

            item.Done.Set();
        }
    }

    private sealed class WorkItem(Action action) : IDisposable
    {
        public Action Action { get; } = action;

        public ManualResetEventSlim Done { get; } = new();

        public ExceptionDispatchInfo? Error { get; set; }

        public void Dispose() => Done.Dispose();
    }
}
