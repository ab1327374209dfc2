using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Control;

/// <summary>
/// Opens the control channel to every peer shortly after start (a ping each, retried for a while as peers
/// come up, then the peer's handover stream), so the first handovers do not pay TLS handshakes, connection and
/// stream set-up.
/// </summary>
internal sealed class ControlChannelWarmup(ControlChannel channel, IOptions<DtsOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Nodes.Count < 2)
        {
            return;
        }
        // Peers start at about the same time: try for 30 s, once a second, until every one answered.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        for (var attempt = 0; attempt < 30 && await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false); attempt++)
        {
            var peers = await channel.PingPeersAsync(stoppingToken).ConfigureAwait(false);
            if (peers.All(p => p.Reachable))
            {
                return;
            }
        }
    }
}
