using Dts.AspNetCore.Control;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dts.AspNetCore.Health;

/// <summary>
/// <c>dts-control-peers</c>: every other node answers a ping over the control channel (mutual TLS) within
/// <see cref="Timeout"/>. Degraded when one does not (the node still serves; handovers to that node fall back).
/// Data: per peer, its round trip in µs, or <c>unreachable</c>.
/// </summary>
internal sealed class ControlPeersHealthCheck(ControlChannel channel) : IHealthCheck
{
    /// <summary>How long a peer may take to answer, 1 s: a dead peer must not hold the health answer up.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(Timeout);
        var peers = await channel.PingPeersAsync(cts.Token).ConfigureAwait(false);
        var data = peers.ToDictionary(p => p.Node, p => p.Reachable ? (object)Math.Round(p.RoundTripUs) : "unreachable");
        var down = peers.Where(p => !p.Reachable).Select(p => p.Node).ToArray();
        return down.Length == 0
            ? HealthCheckResult.Healthy($"{peers.Count} peers reachable", data)
            : HealthCheckResult.Degraded($"unreachable over the control channel: {string.Join(", ", down)}", data: data);
    }
}
