using System.Net;
using Dts.Core.Handover;
using DtsTestbed = Dts.Testbed.Testbed;

namespace Dts.Bench;

/// <summary>
/// One testbed as the benchmark uses it: n1 is the origin (the node owning the client's port in every mode but
/// direct), n3 the serving node (destination of <c>/api/**</c> and <c>/proxied/**</c>); the client's sockets are
/// made ahead of time in the client namespace and bound to ports whose owner is known.
/// </summary>
internal sealed class BenchCluster : IDisposable
{
    /// <summary>The origin node (1-based).</summary>
    public const int OriginNode = 1;

    /// <summary>The serving node (1-based): the sample routes <c>/api</c> and <c>/proxied</c> to n3.</summary>
    public const int TargetNode = 3;

    /// <summary>Client addresses added besides the testbed's own, for enough distinct 4-tuples.</summary>
    public const int ExtraClientAddresses = 32;

    private BenchCluster(DtsTestbed testbed, HandoverMechanism mechanism, BenchSocketFactory sockets, IReadOnlyList<IPAddress> clients)
    {
        Testbed = testbed;
        Mechanism = mechanism;
        Sockets = sockets;
        OriginPorts = new BenchPortPool(clients, testbed.Options.HashSeed, testbed.NodeCount, OriginNode - 1);
        TargetPorts = new BenchPortPool(clients, testbed.Options.HashSeed, testbed.NodeCount, TargetNode - 1);
    }

    public DtsTestbed Testbed { get; }

    /// <summary><c>Repair</c> or <c>Splice</c>: the cluster-wide handover mechanism of this testbed.</summary>
    public HandoverMechanism Mechanism { get; }

    public BenchSocketFactory Sockets { get; }

    /// <summary>Client ports n1 owns.</summary>
    public BenchPortPool OriginPorts { get; }

    /// <summary>Client ports n3 owns.</summary>
    public BenchPortPool TargetPorts { get; }

    /// <summary>Processes besides n1's node process counted as the origin's (nginx's master and workers).</summary>
    public IReadOnlyList<int> ExtraOriginPids { get; set; } = [];

    public IPAddress ClientAddress => Testbed.ClientAddress;

    /// <summary>Wraps <paramref name="testbed"/> and starts its client socket factory.</summary>
    /// <exception cref="Dts.Linux.LinuxSocketException">Entering the client namespace failed.</exception>
    public static async Task<BenchCluster> CreateAsync(DtsTestbed testbed, HandoverMechanism mechanism)
    {
        // More client addresses (198.19.0.10 …) so that no 4-tuple is reused within a run (see BenchPortPool).
        var clients = new List<IPAddress> { testbed.ClientAddress };
        var first = testbed.ClientAddress.GetAddressBytes();
        for (var i = 0; i < ExtraClientAddresses; i++)
        {
            var address = new IPAddress([first[0], first[1], first[2], (byte)(10 + i)]);
            (await testbed.RunInClientAsync("ip", ["addr", "add", $"{address}/24", "dev", "eth0"], TimeSpan.FromSeconds(5))
                .ConfigureAwait(false)).EnsureSuccess();
            clients.Add(address);
        }
        var sockets = BenchSocketFactory.Create(testbed.ClientNamespace);
        return new BenchCluster(testbed, mechanism, sockets, clients);
    }

    /// <summary>CPU seconds so far of the origin (n1's node process and <see cref="ExtraOriginPids"/>).</summary>
    public double OriginCpuSeconds() =>
        (Testbed.NodeProcessId(OriginNode) is int pid ? ProcessCpu.Seconds(pid) : 0) + ProcessCpu.Seconds(ExtraOriginPids);

    /// <summary>CPU seconds so far of n3's node process.</summary>
    public double TargetCpuSeconds() => Testbed.NodeProcessId(TargetNode) is int pid ? ProcessCpu.Seconds(pid) : 0;

    public void Dispose() => Sockets.Dispose();
}
