using System.Collections.Concurrent;
using System.Net.Sockets;
using Dts.AspNetCore.Connections;
using Dts.AspNetCore.Handover;
using Dts.AspNetCore.Mechanisms;
using Dts.Core.Handover;
using Dts.Core.Tcp;
using Dts.Core.Telemetry;

namespace Dts.AspNetCore.Tests.Control;

/// <summary>A mechanism that takes the commit point and counts, per handover id, how often it applied it.</summary>
internal sealed class CountingMechanism(Func<HandoverOffer, Task>? beforeCommit = null) : IHandoverMechanism
{
    private readonly ConcurrentDictionary<string, int> _applied = new();

    public HandoverMechanism Kind => HandoverMechanism.Repair;

    public int TotalApplied => _applied.Values.Sum();

    public int Applied(string handoverId) => _applied.TryGetValue(handoverId, out var n) ? n : 0;

    public async Task<HandoverApplyResult> ApplyAsync(HandoverOffer offer, HandoverCommitPoint commit)
    {
        if (beforeCommit is not null)
        {
            await beforeCommit(offer);
        }
        if (!commit.TryCommit())
        {
            return HandoverApplyResult.Refused("cancelled");
        }
        _applied.AddOrUpdate(offer.HandoverId, 1, static (_, n) => n + 1);
        return new HandoverApplyResult(true, "", default);
    }

    public object? OnAccepted(Socket socket) => null;

    public string? CheckEligible(DtsConnectionFeature connection) => null;

    public HandoverState Capture(DtsConnectionFeature connection, TcpRepairState checkpoint) => throw new NotSupportedException();

    public DtsStats AddStats(DtsStats stats) => stats;
}
