using System.Net;
using Dts.Testbed.Registry;

namespace Dts.Testbed;

public sealed partial class Testbed
{
    /// <summary>
    /// Opens a testbed another process brought up (a detached one of <c>dts testbed up</c>, say) from its registry
    /// entry, to act on its nodes and etcd members: their processes are found through the pid files in the run
    /// directory, so <see cref="StartNodeAsync"/>, <see cref="StopNodeAsync"/>, <see cref="KillNodeAsync"/>,
    /// <see cref="IsNodeRunning"/> and the etcd calls work as they do for the owner (a node started here runs in a
    /// session of its own and outlives this process). This process does not become the owner: disposing the
    /// result leaves the testbed alone, and <see cref="DownAsync"/> removes it as <see cref="RemoveAsync"/> does.
    /// </summary>
    /// <returns><see langword="null"/> when no testbed <paramref name="runId"/> is registered.</returns>
    /// <exception cref="InvalidOperationException">Its registry entry predates the fields an opened testbed needs.</exception>
    public static Testbed? TryOpen(string runId)
    {
        ArgumentNullException.ThrowIfNull(runId);
        var record = TestbedLayout.IsValidRunId(runId) ? TestbedRegistry.TryRead(runId) : null;
        if (record is null)
        {
            return null;
        }

        if (record.NodeNetwork is null || record.ClientNetwork is null || record.Vip is null || record.Membership is null || record.EtcdClusterToken is null)
        {
            throw new InvalidOperationException($"Testbed {runId} was registered by an older dts: it can be listed and removed, not opened.");
        }

        var options = new TestbedOptions
        {
            RunId = record.RunId,
            RunDirectory = record.RunDirectory,
            KeepRunDirectory = record.KeepRunDirectory,
            NodeCount = record.NodeCount,
            Vip = IPAddress.Parse(record.Vip),
            Port = record.Port,
            ControlPort = record.ControlPort,
            ManagementPort = record.ManagementPort,
            NodeNetwork = IPNetwork.Parse(record.NodeNetwork),
            ClientNetwork = IPNetwork.Parse(record.ClientNetwork),
            Mechanism = record.Mechanism,
            HashSeed = record.HashSeed,
            Membership = record.Membership.Value,
            Buckets = record.Buckets,
            EtcdLeaseTtl = record.EtcdLeaseTtl,
            NodeCommand = record.NodeCommand,
            NodeWorkingDirectory = record.NodeWorkingDirectory,
            NodeEnvironment = record.NodeEnvironment,
            ReadinessTimeout = record.ReadinessTimeout,
            StopGracePeriod = record.StopGracePeriod,
        };
        return new Testbed(new TestbedLayout(options, record.EtcdClusterToken), lease: null);
    }

    /// <summary>Whether this process brought the testbed up (and holds its lease), rather than <see cref="TryOpen">opened</see> it.</summary>
    public bool IsOwner => _lease is not null;
}
