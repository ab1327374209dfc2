using System.Diagnostics.CodeAnalysis;
using Dts.Testbed.Namespaces;
using Dts.Testbed.Processes;
using Dts.Testbed.Registry;

namespace Dts.Testbed;

public sealed partial class Testbed
{
    private const string RunDirectoryMarker = ".dts-testbed";
    private static readonly TimeSpan LeftoverGracePeriod = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Stops every process in the testbed's namespaces (nodes and anything else: SIGTERM, then SIGKILL after
    /// <see cref="TestbedOptions.StopGracePeriod"/>), deletes all its namespaces, its run directory (unless
    /// <see cref="TestbedOptions.KeepRunDirectory"/>) and its registry entry. Idempotent.
    /// </summary>
    /// <exception cref="TestbedCommandException">Deleting a namespace failed.</exception>
    public async Task DownAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_down)
            {
                return;
            }

            await Task.WhenAll(_nodes.Select(n => n.StopAsync(Options.StopGracePeriod, cancellationToken))).ConfigureAwait(false);
            await TeardownAsync(
                RunId,
                _layout.AllNamespaces,
                Options.KeepRunDirectory ? null : RunDirectory,
                Options.StopGracePeriod,
                cancellationToken).ConfigureAwait(false);
            _lease.Release();
            _down = true;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Removes leftovers of crashed runs: every testbed (namespaces <c>dts-&lt;runid&gt;-*</c>, registry entry, run
    /// directory) whose owner process is gone and that was not detached — or, with <paramref name="all"/>, every
    /// testbed on the machine, including live and detached ones. Processes still inside are killed first.
    /// A testbed whose owner is alive is never a leftover, from the moment <see cref="UpAsync"/> starts building it
    /// (its <see cref="TestbedLease"/>); two cleanups at once never remove the same leftover twice.
    /// </summary>
    /// <returns>The run ids removed.</returns>
    /// <exception cref="TestbedCommandException">Deleting a namespace failed.</exception>
    public static async Task<IReadOnlyList<string>> CleanupAsync(bool all, CancellationToken cancellationToken = default)
    {
        var removed = new List<string>();
        foreach (var info in List().Where(t => all || t.IsLeftover))
        {
            if (await RemoveCoreAsync(info, force: all, cancellationToken).ConfigureAwait(false))
            {
                removed.Add(info.RunId);
            }
        }

        return removed;
    }

    /// <summary>Removes the testbed <paramref name="runId"/> whoever owns it (processes, namespaces, run directory).</summary>
    /// <returns><see langword="false"/> when no such testbed exists.</returns>
    /// <exception cref="TestbedCommandException">Deleting a namespace failed.</exception>
    public static async Task<bool> RemoveAsync(string runId, CancellationToken cancellationToken = default)
    {
        var info = List().FirstOrDefault(t => t.RunId == runId);
        if (info is null)
        {
            return false;
        }

        await RemoveCoreAsync(info, force: true, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Every testbed on this machine: runs with <c>dts-*</c> namespaces or a registry entry.</summary>
    public static IReadOnlyList<TestbedInfo> List()
    {
        var namespacesByRun = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string ns in Netns.List())
        {
            if (TestbedLayout.TryParseNamespace(ns, out string runId, out _))
            {
                if (!namespacesByRun.TryGetValue(runId, out var list))
                {
                    namespacesByRun[runId] = list = [];
                }

                list.Add(ns);
            }
        }

        var result = new List<TestbedInfo>();
        foreach (string runId in namespacesByRun.Keys.Union(TestbedRegistry.RunIds()).Order(StringComparer.Ordinal))
        {
            var record = TestbedRegistry.TryRead(runId);
            int? owner = record?.OwnerProcessId ?? TestbedLayout.PidFromRunId(runId);
            bool ownerAlive = TestbedLease.IsHeld(runId) ?? (owner is int pid && Signals.IsAlive(pid));
            bool detached = record?.Detached ?? false;
            result.Add(new TestbedInfo(
                runId,
                namespacesByRun.GetValueOrDefault(runId) ?? [],
                owner,
                ownerAlive,
                detached,
                IsLeftover: owner is not null && !ownerAlive && !detached,
                record?.RunDirectory,
                record?.NodeCount,
                record?.Vip,
                record?.Port ?? 0,
                record?.ClientNamespace));
        }

        return result;
    }

    /// <summary>
    /// Removes one testbed while holding its lease. Without <paramref name="force"/> (leftovers only) a lease someone
    /// holds means its owner came back or another cleanup is removing it: nothing is touched and false comes back.
    /// </summary>
    [SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The finally releases the lease: Release() deletes its file, then disposes it.")]
    private static async Task<bool> RemoveCoreAsync(TestbedInfo info, bool force, CancellationToken cancellationToken)
    {
        bool leased = TestbedLease.TryAcquire(info.RunId, out var lease);
        if (!leased && !force)
        {
            return false;
        }

        try
        {
            var record = TestbedRegistry.TryRead(info.RunId);
            var namespaces = info.Namespaces.Union(record?.Namespaces ?? []).Where(Netns.Exists).ToList();
            if (!force && record is null && namespaces.Count == 0)
            {
                return false; // removed by another cleanup between the listing and the lease
            }

            string runDirectory = info.RunDirectory ?? Path.Combine(TestbedLayout.DefaultRoot, info.RunId);
            await TeardownAsync(info.RunId, namespaces, record?.KeepRunDirectory == true ? null : runDirectory, LeftoverGracePeriod, cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            lease?.Release();
        }
    }

    private static async Task TeardownAsync(string runId, IReadOnlyList<string> namespaces, string? runDirectory, TimeSpan grace, CancellationToken cancellationToken)
    {
        var pids = (await Task.WhenAll(namespaces.Select(ns => Netns.PidsAsync(ns, cancellationToken))).ConfigureAwait(false))
            .SelectMany(p => p)
            .Distinct()
            .ToArray();
        await Signals.TerminateAsync(pids, grace, cancellationToken).ConfigureAwait(false);

        // Nodes, router and client first; the switch (holding the other ends of their veths) last.
        await Task.WhenAll(namespaces.Where(ns => !ns.EndsWith("-sw", StringComparison.Ordinal)).Select(ns => Netns.DeleteAsync(ns, cancellationToken))).ConfigureAwait(false);
        await Task.WhenAll(namespaces.Where(ns => ns.EndsWith("-sw", StringComparison.Ordinal)).Select(ns => Netns.DeleteAsync(ns, cancellationToken))).ConfigureAwait(false);

        // Only a directory this library created (it carries the marker) is ever deleted.
        if (runDirectory is not null && File.Exists(Path.Combine(runDirectory, RunDirectoryMarker)))
        {
            try
            {
                Directory.Delete(runDirectory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // Removed concurrently by another cleanup.
            }
        }

        TestbedRegistry.Delete(runId);
    }
}
