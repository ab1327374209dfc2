using System.Diagnostics.CodeAnalysis;
using Dts.Testbed.Etcd;
using Dts.Testbed.Namespaces;
using Dts.Testbed.Processes;
using Dts.Testbed.Registry;

namespace Dts.Testbed;

public sealed partial class Testbed
{
    private const string RunDirectoryMarker = ".dts-testbed";
    private static readonly TimeSpan LeftoverGracePeriod = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Stops the nodes, then the etcd members, then every other process in the testbed's namespaces (each: SIGTERM,
    /// then SIGKILL after <see cref="TestbedOptions.StopGracePeriod"/>), deletes all its namespaces, the etcd data,
    /// its run directory (unless <see cref="TestbedOptions.KeepRunDirectory"/>) and its registry entry. Idempotent.
    /// On a testbed <see cref="TryOpen">opened</see> by this process, the same as <see cref="RemoveAsync"/>.
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

            if (_lease is null)
            {
                await RemoveAsync(RunId, cancellationToken).ConfigureAwait(false);
                _down = true;
                return;
            }

            await Task.WhenAll(_nodes.Select(n => n.StopAsync(Options.StopGracePeriod, cancellationToken))).ConfigureAwait(false);
            await StopEtcdClusterAsync(cancellationToken).ConfigureAwait(false);
            await TeardownAsync(
                RunId,
                _layout.AllNamespaces,
                RunDirectory,
                Options.KeepRunDirectory,
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
    /// testbed on the machine, including live and detached ones. Processes still inside (nodes, etcd members, anything
    /// else) are killed first; the etcd data goes with the run directory.
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
            await TeardownAsync(info.RunId, namespaces, runDirectory, record?.KeepRunDirectory == true, LeftoverGracePeriod, cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            lease?.Release();
        }
    }

    private static async Task TeardownAsync(string runId, IReadOnlyList<string> namespaces, string runDirectory, bool keepRunDirectory, TimeSpan grace, CancellationToken cancellationToken)
    {
        var pids = (await Task.WhenAll(namespaces.Select(ns => Netns.PidsAsync(ns, cancellationToken))).ConfigureAwait(false))
            .SelectMany(p => p)
            .Distinct()
            .ToArray();

        // The etcd members last (the nodes may still talk to them while they drain), one by one (see
        // StopEtcdClusterAsync); everything else first.
        var etcd = pids.Where(EtcdMember.IsEtcdProcess).ToArray();
        await Signals.TerminateAsync([.. pids.Except(etcd)], grace, cancellationToken).ConfigureAwait(false);
        foreach (int pid in etcd)
        {
            await Signals.TerminateAsync([pid], grace, cancellationToken).ConfigureAwait(false);
        }

        // Nodes, router and client first; the switch (holding the other ends of their veths) last.
        await Task.WhenAll(namespaces.Where(ns => !ns.EndsWith("-sw", StringComparison.Ordinal)).Select(ns => Netns.DeleteAsync(ns, cancellationToken))).ConfigureAwait(false);
        await Task.WhenAll(namespaces.Where(ns => ns.EndsWith("-sw", StringComparison.Ordinal)).Select(ns => Netns.DeleteAsync(ns, cancellationToken))).ConfigureAwait(false);

        // The etcd data always goes (even with KeepRunDirectory: the logs stay, the data is no diagnostic); its
        // root is found from the run id when the run directory is not on /run, so a run without a record loses it too.
        if (TestbedLayout.IsValidRunId(runId))
        {
            DeleteMarked(TestbedLayout.EtcdDataRootOf(runId, runDirectory), TestbedLayout.EtcdDataMarker);
        }

        if (!keepRunDirectory)
        {
            DeleteMarked(runDirectory, RunDirectoryMarker);
        }

        TestbedRegistry.Delete(runId);
    }

    /// <summary>Deletes <paramref name="directory"/> when it carries <paramref name="marker"/>: only a directory this library created is ever deleted.</summary>
    private static void DeleteMarked(string directory, string marker)
    {
        if (File.Exists(Path.Combine(directory, marker)))
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // Removed concurrently by another cleanup.
            }
        }
    }
}
