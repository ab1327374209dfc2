using System.Net;
using System.Net.Sockets;
using Dts.Linux.Namespaces;
using Dts.Linux.Tests.Infrastructure;

namespace Dts.Linux.Tests.Namespaces;

public sealed class NetworkNamespaceTests : IDisposable
{
    private static readonly IPAddress OnlyInNamespace = IPAddress.Parse("198.18.99.1");

    private readonly TestNamespaces _namespaces = new();

    public void Dispose() => _namespaces.Dispose();

    [RootFact]
    public void CreateSocket_BindsToAnAddressOnlyTheNamespaceHas()
    {
        NetworkNamespace ns = _namespaces.Add("ns");
        TestNamespaces.Ip(ns, $"addr add {OnlyInNamespace}/32 dev lo");

        using Socket outside = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        SocketException error = Assert.Throws<SocketException>(() => outside.Bind(new IPEndPoint(OnlyInNamespace, 0)));
        Assert.Equal(SocketError.AddressNotAvailable, error.SocketErrorCode);

        using Socket listener = ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(OnlyInNamespace, 0));
        listener.Listen();

        // Created inside, used from this (outside) thread: the socket keeps its namespace.
        using Socket client = ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        using Socket accepted = listener.Accept();
        client.Send("ping"u8);
        Assert.Equal("ping"u8.ToArray(), accepted.ReceiveExactly(4));
    }

    [RootFact]
    public void Run_UsesOneDedicatedThread_AndPropagatesExceptions()
    {
        NetworkNamespace ns = _namespaces.Add("ns");
        int first = ns.Run(() => Environment.CurrentManagedThreadId);
        int second = ns.Run(() => Environment.CurrentManagedThreadId);
        Assert.Equal(first, second);
        Assert.NotEqual(Environment.CurrentManagedThreadId, first);
        Assert.False(ns.Run(() => Thread.CurrentThread.IsThreadPoolThread));
        Assert.Equal(42, ns.Run(() => ns.Run(() => 42))); // re-entrant

        var thrown = Assert.Throws<InvalidOperationException>(() => ns.Run(() => throw new InvalidOperationException("inside")));
        Assert.Equal("inside", thrown.Message);
        Assert.Equal(first, ns.Run(() => Environment.CurrentManagedThreadId)); // the thread survived
    }

    [RootFact]
    public void Open_MissingNamespace_ThrowsEnoent()
    {
        var error = Assert.Throws<LinuxSocketException>(() => NetworkNamespace.Open($"dts-lt-{Environment.ProcessId}-missing"));
        Assert.Equal(2, error.Errno);
        Assert.Contains("/run/netns/", error.Operation);
    }

    [RootFact]
    public void CreatePrivate_IsANewNamespaceWithOnlyLoopback()
    {
        string own = File.ReadAllText("/proc/thread-self/net/dev");
        using var ns = NetworkNamespace.CreatePrivate("test");

        string inside = ns.Run(() => File.ReadAllText("/proc/thread-self/net/dev"));
        string self = ns.Run(() => new FileInfo("/proc/thread-self/ns/net").LinkTarget!);

        Assert.NotEqual(new FileInfo("/proc/thread-self/ns/net").LinkTarget, self);
        // Only loopback, as unshare(2) makes it.
        Assert.Equal(["lo"], inside.Split('\n').Skip(2).Where(l => l.Contains(':', StringComparison.Ordinal)).Select(l => l.Split(':')[0].Trim()));
        Assert.NotEqual(own, inside);
    }

    [Fact]
    public void IsRoot_MatchesTheEffectiveUser() =>
        Assert.Equal(Environment.UserName == "root", LinuxEnvironment.IsRoot);
}
