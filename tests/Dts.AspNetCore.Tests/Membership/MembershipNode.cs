using System.Collections.Concurrent;
using Dts.AspNetCore.Membership;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Tests.Membership;

/// <summary>The peers of the test nodes: each answers with its real <see cref="EtcdMembership.AnswerProbe"/>, or nobody answers.</summary>
internal sealed class TestPeers : IMembershipPeers
{
    public ConcurrentDictionary<string, EtcdMembership> Nodes { get; } = new();

    public volatile bool Reachable = true;

    /// <summary>When set, every peer answers this instead of its real contact.</summary>
    public volatile PeerStoreContact? Answer;

    public Task<PeerStoreContact?> ProbeAsync(string nodeId, TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.FromResult(Reachable && Nodes.TryGetValue(nodeId, out var m) ? Answer ?? m.AnswerProbe() : null);
}

/// <summary>Keeps what a node logged (event id, level, message).</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(EventId Id, LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(EventId Id, LogLevel Level, string Message)> Entries => _entries.ToArray();

    public int Count(int eventId) => _entries.Count(e => e.Id.Id == eventId);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue((eventId, logLevel, formatter(state, exception)));
}

/// <summary>One <see cref="EtcdMembership"/> as a node runs it (nodes n1–n3 configured), with every view it raised, timestamped.</summary>
internal sealed class MembershipNode : IAsyncDisposable
{
    private readonly List<(long At, MembershipView View)> _views = [];

    private MembershipNode(string id, string endpoint, string prefix, TestPeers peers, int ttlSeconds)
    {
        var options = new DtsOptions
        {
            NodeId = id,
            Membership = DtsMembershipMode.Etcd,
            Nodes = Enumerable.Range(1, 3).Select(i => new DtsNodeOptions { Id = $"n{i}", Address = $"198.18.0.1{i}" }).ToArray(),
            Etcd = new DtsEtcdOptions
            {
                Endpoints = [endpoint],
                Prefix = prefix,
                LeaseTtl = TimeSpan.FromSeconds(ttlSeconds),
                RequestTimeout = TimeSpan.FromSeconds(1),
            },
        };
        Membership = new EtcdMembership(Options.Create(options), peers, TimeProvider.System, Logger);
        Membership.Changed += v =>
        {
            lock (_views)
            {
                _views.Add((TimeProvider.System.GetTimestamp(), v));
            }
        };
        peers.Nodes[id] = Membership;
    }

    public EtcdMembership Membership { get; }

    public ListLogger<EtcdMembership> Logger { get; } = new();

    /// <summary>The last view raised by <see cref="IClusterMembership.Changed"/> (what a consumer saw; its logs are written by then).</summary>
    public MembershipView View
    {
        get
        {
            lock (_views)
            {
                return _views.Count > 0 ? _views[^1].View : Membership.View;
            }
        }
    }

    public IReadOnlyList<(long At, MembershipView View)> Views
    {
        get
        {
            lock (_views)
            {
                return _views.ToArray();
            }
        }
    }

    public static async Task<MembershipNode> StartAsync(string id, string endpoint, string prefix, TestPeers peers, int ttlSeconds = 2)
    {
        var node = new MembershipNode(id, endpoint, prefix, peers, ttlSeconds);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await node.Membership.StartAsync(cts.Token);
        return node;
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the current view; returns how long it took.</summary>
    public async Task<TimeSpan> WaitAsync(Func<MembershipView, bool> condition, TimeSpan within, string what)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!condition(View))
        {
            if (TimeProvider.System.GetElapsedTime(started) > within)
            {
                Assert.Fail($"{what}: not within {within.TotalMilliseconds} ms; view: rev {View.Revision}, reachable {View.StoreReachable}, fenced {View.Fenced}, " +
                    string.Join(", ", View.Members.Select(m => $"{m.NodeId} {m.State} {m.AppliedTable}")) +
                    "; log:\n" + string.Join('\n', Logger.Entries.Select(e => $"{e.Level} {e.Id.Id}: {e.Message}")));
            }
            await Task.Delay(10);
        }
        return TimeProvider.System.GetElapsedTime(started);
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await Membership.StopAsync(cts.Token);
        Membership.Dispose();
    }
}
