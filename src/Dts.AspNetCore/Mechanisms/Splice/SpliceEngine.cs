using System.Diagnostics.Metrics;
using System.Net;
using Dts.AspNetCore.Telemetry;
using Dts.Core.Handover;
using Dts.Core.Telemetry;
using Dts.Linux.Tcp;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Mechanisms.Splice;

/// <summary>
/// The target's packet path for <see cref="HandoverMechanism.Splice"/> (ARCHITECTURE §3, "Target, Splice"), as a
/// hosted service: installs the steering (<see cref="SpliceSteering"/>), runs the queue loop
/// (<see cref="SplicePacketPath"/>) over the flows' state (<see cref="SpliceFlows"/>), opens the raw socket the
/// receiver injects "client" packets with, publishes the counters (<see cref="SpliceStats"/>) and sweeps closed
/// or idle flows every 5 s.
/// </summary>
internal sealed partial class SpliceEngine(
    IOptions<DtsOptions> options,
    SpliceFlows flows,
    TimeProvider time,
    IMeterFactory meters,
    ILogger<SpliceEngine> logger) : IHostedService, IDisposable
{
    private SpliceSteering? _steering;
    private SplicePacketPath? _path;
    private RawInjector? _injector;
    private ITimer? _sweeper;

    /// <summary>True while the queue loop runs: only then can a flow be armed.</summary>
    public bool IsRunning => _path?.IsRunning == true;

    /// <summary>The raw IPv4 socket that injects packets into this node's own stack.</summary>
    /// <exception cref="InvalidOperationException">The engine is not running.</exception>
    public RawInjector Injector => _injector ?? throw new InvalidOperationException("Splice is not running.");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var vip = IPAddress.Parse(options.Value.Vip);
        _steering = new SpliceSteering();
        _steering.Install();
        _path = new SplicePacketPath(vip, flows);
        SpliceStats.CreateInstruments(meters, flows, _path.Queue);
        _injector = new RawInjector();
        _sweeper = time.CreateTimer(_ => Sweep(), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The counters for <c>/dts/stats</c> (the queue's are zeros when Splice is not running).</summary>
    public DtsSpliceStats Snapshot() => SpliceStats.Snapshot(flows, _path?.Queue);

    private void Sweep()
    {
        var removed = flows.Sweep();
        if (removed > 0)
        {
            Log.Swept(logger, removed);
        }
    }

    public void Dispose()
    {
        _sweeper?.Dispose();
        _path?.Dispose();
        _path = null;
        _steering?.Dispose();
        _steering = null;
        _injector?.Dispose();
        _injector = null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.SpliceSwept, LogLevel.Debug, "Splice: freed {Count} closed or idle flows")]
        public static partial void Swept(ILogger logger, int count);
    }
}
