using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests;

/// <summary>
/// One trace across both nodes: a request that arrives with a sampled W3C <c>traceparent</c> and is handed over shows in
/// the origin's log as its <c>dts.handover</c> span and in the target's log as <c>dts.handover.apply</c>, a child of that
/// span, in the same trace (the nodes export spans with OpenTelemetry's console exporter, <see cref="ClusterFixture.TracingSettings"/>).
/// </summary>
public abstract partial class TracingTests(ClusterFixture cluster)
{
    /// <summary>How long a span may take to reach the log after the response (the exporter writes when a span ends, on the node's own schedule).</summary>
    private static readonly TimeSpan LogBound = TimeSpan.FromSeconds(10);

    [RootFact]
    public async Task HandedOverRequest_WithTraceparent_OneTraceOnOriginAndTarget()
    {
        var (traceId, origin, target) = await Handovers.UntilHandedOverAsync(async () =>
        {
            var traceId = RandomNumberGenerator.GetHexString(32, lowercase: true);
            var parentId = RandomNumberGenerator.GetHexString(16, lowercase: true);
            using var raw = await RawClient.ConnectAsync(cluster.Testbed, TimeSpan.FromSeconds(5));
            await raw.SendAsync($"GET /api/whoami HTTP/1.1\r\nHost: vip\r\ntraceparent: 00-{traceId}-{parentId}-01\r\nConnection: close\r\n\r\n");
            var reply = Encoding.Latin1.GetString(await raw.ReadToEndAsync(TimeSpan.FromSeconds(10)));
            var node = Header().Matches(reply).Single(m => m.Groups["name"].Value == "Node").Groups["value"].Value;
            var originHeader = Header().Matches(reply).SingleOrDefault(m => m.Groups["name"].Value == "Origin")?.Groups["value"].Value;
            return (originHeader is not null, (traceId, originHeader!, node));
        });

        var handover = await SpanAsync(origin, traceId, "dts.handover");
        var applied = await SpanAsync(target, traceId, "dts.handover.apply");

        Assert.Equal(handover["SpanId"], applied["ParentSpanId"]);
        Assert.Contains($"dts.target: {target}", handover["Text"]);
        Assert.Contains("dts.outcome: handed_over", handover["Text"]);
        Assert.Contains($"dts.origin: {origin}", applied["Text"]);
        Assert.Contains("dts.outcome: applied", applied["Text"]);
        Assert.Contains($"dts.mechanism: {cluster.Mechanism}", applied["Text"]);
        // The origin's phases are the span's events, from dispatch to release.
        Assert.Matches("(?s)dispatch.*nft.*checkpoint.*network.*release", handover["Text"]);
    }

    /// <summary>
    /// The span named <paramref name="name"/> of trace <paramref name="traceId"/> in node <paramref name="node"/>'s log, as the
    /// console exporter printed it: its fields (<c>SpanId</c>, <c>ParentSpanId</c>, ...) and its <c>Text</c>.
    /// </summary>
    private async Task<Dictionary<string, string>> SpanAsync(string node, string traceId, string name)
    {
        var path = cluster.Testbed.NodeLogPath(int.Parse(node.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture));
        var deadline = DateTime.UtcNow + LogBound;
        while (true)
        {
            string log;
            using (var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)))
            {
                log = await reader.ReadToEndAsync();
            }
            // A block the exporter is still writing is skipped: the resource comes last.
            foreach (var block in log.Split("Activity.TraceId:").Skip(1).Where(b => Complete().IsMatch(b)))
            {
                var span = Parse(block);
                if (span["TraceId"] == traceId && span.GetValueOrDefault("DisplayName") == name)
                {
                    return span;
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"no span {name} of trace {traceId} in {node}'s log within {LogBound.TotalSeconds} s\n{cluster.Logs()}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// One console-exporter block (after <c>Activity.TraceId:</c>): its <c>Activity.*</c> fields, and the whole block as
    /// <c>Text</c> (tags and events are searched there: a log line the node wrote meanwhile may sit among them).
    /// </summary>
    private static Dictionary<string, string> Parse(string block)
    {
        var lines = block.Split('\n');
        var span = new Dictionary<string, string> { ["TraceId"] = lines[0].Trim(), ["Text"] = block };
        foreach (var line in lines.Skip(1))
        {
            if (Field().Match(line) is { Success: true } field)
            {
                span.TryAdd(field.Groups["name"].Value, field.Groups["value"].Value.Trim());
            }
        }
        return span;
    }

    [GeneratedRegex(@"^Resource associated with Activity:\r?\n(?:    .*\n)*    telemetry\.sdk\.version: .*\n", RegexOptions.Multiline)]
    private static partial Regex Complete();

    [GeneratedRegex(@"^Activity\.(?<name>\w+):(?<value>.*)$")]
    private static partial Regex Field();

    [GeneratedRegex(@"^X-Dts-(?<name>Node|Origin): (?<value>\S+)\r$", RegexOptions.Multiline)]
    private static partial Regex Header();
}

[Collection(ClusterCollection.Name)]
public sealed class TracingTestsRepair(ClusterFixture cluster) : TracingTests(cluster);

[Collection(SpliceClusterCollection.Name)]
public sealed class TracingTestsSplice(SpliceClusterFixture cluster) : TracingTests(cluster);
