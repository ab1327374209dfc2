using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Dts.Core.Tcp;
using Dts.Linux.Namespaces;
using Dts.Linux.Netfilter;
using Dts.Linux.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Dts.Linux.Tests.Netfilter;

/// <summary>
/// The per-handover set-element updates, which go to the kernel as nf_tables netlink transactions, checked against
/// what <c>nft list set</c> shows in the table's own namespace.
/// </summary>
public sealed partial class NftFlowTableNetlinkTests(ITestOutputHelper output) : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly IPAddress ClientAddress = IPAddress.Parse("198.18.0.5");
    private const ushort Port = 80;

    private readonly TestNamespaces _namespaces = new();
    private readonly string _tableName = $"dtsnl{Random.Shared.Next(1 << 20):x}";

    public void Dispose() => _namespaces.Dispose();

    [RootFact]
    public void AddHandedOut_ElementListedWithTheIdleTimeout()
    {
        (NetworkNamespace ns, NftFlowTable table) = Installed(idle: TimeSpan.FromSeconds(90));
        using (table)
        {
            table.AddHandedOut(Flow(40100));

            TimeSpan expires = Expiry(ListSet(ns, "handed_out"), 40100);
            Assert.InRange(expires, TimeSpan.FromSeconds(80), TimeSpan.FromSeconds(90));
            Assert.True(table.ContainsHandedOut(Flow(40100)));
            Assert.Empty(Ports(ListSet(ns, "closed")));
        }
    }

    [RootFact]
    public void AddHandedOut_Twice_OneElement()
    {
        (NetworkNamespace ns, NftFlowTable table) = Installed();
        using (table)
        {
            table.AddHandedOut(Flow(40200));
            table.AddHandedOut(Flow(40200));

            Assert.Equal([40200], Ports(ListSet(ns, "handed_out")));
        }
    }

    [RootFact]
    public void RemoveHandedOut_AddThenDelete_RemovesFromHandedOutAndClosed_MissingIsNoError() =>
        RemoveHandedOut_RemovesFromHandedOutAndClosed_MissingIsNoError(destroy: false);

    /// <summary>NFT_MSG_DESTROYSETELEM, which this machine kind's kernel (6.18) has; an older kernel takes the other path.</summary>
    [RootFact]
    public void RemoveHandedOut_Destroy_RemovesFromHandedOutAndClosed_MissingIsNoError()
    {
        if (!NfTablesSocket.KernelHasDestroySetElement)
        {
            output.WriteLine($"Kernel {Environment.OSVersion.Version} < 6.3: no NFT_MSG_DESTROYSETELEM; the flow table uses add-then-delete.");
            return;
        }

        RemoveHandedOut_RemovesFromHandedOutAndClosed_MissingIsNoError(destroy: true);
    }

    private void RemoveHandedOut_RemovesFromHandedOutAndClosed_MissingIsNoError(bool destroy)
    {
        (NetworkNamespace ns, NftFlowTable table) = Installed(destroy: destroy);
        using (table)
        {
            table.AddHandedOut(Flow(40300));
            table.AddHandedOut(Flow(40301));
            Nft(ns, "add", "element", "inet", _tableName, "closed", $"{{ {ClientAddress} . 40300 }}");
            Assert.Equal([40300], Ports(ListSet(ns, "closed")));

            table.RemoveHandedOut(Flow(40300));

            Assert.Equal([40301], Ports(ListSet(ns, "handed_out")));
            Assert.Empty(Ports(ListSet(ns, "closed")));
            table.RemoveHandedOut(Flow(40300)); // in neither set
            table.RemoveHandedOut(Flow(40999)); // never added
            Assert.Equal([40301], Ports(ListSet(ns, "handed_out")));
            Assert.Empty(Ports(ListSet(ns, "closed")));
        }
    }

    [RootFact]
    public void AddSpliced_ElementListedWithTheIdleTimeout()
    {
        (NetworkNamespace ns, NftFlowTable table) = Installed(idle: TimeSpan.FromSeconds(45), spliceMark: 0x7d6);
        using (table)
        {
            table.AddSpliced(Flow(40400));

            Assert.InRange(Expiry(ListSet(ns, "spliced"), 40400), TimeSpan.FromSeconds(35), TimeSpan.FromSeconds(45));
            Assert.Empty(Ports(ListSet(ns, "handed_out")));
        }
    }

    [RootFact]
    public void AddAndRemove_FromManyThreads_KeepsExactlyTheElementsLeft() => Hammer(destroy: null);

    [RootFact]
    public void AddAndRemove_FromManyThreads_AddThenDelete_KeepsExactlyTheElementsLeft() => Hammer(destroy: false);

    private void Hammer(bool? destroy)
    {
        (NetworkNamespace ns, NftFlowTable table) = Installed(destroy: destroy);
        using (table)
        {
            const int Threads = 8, PerThread = 250;
            // Threads of the test process, in its own namespace: the socket stays in the table's.
            Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
            {
                for (int i = 0; i < PerThread; i++)
                {
                    int port = 20000 + t * PerThread + i;
                    table.AddHandedOut(Flow(port));
                    if (i % 5 == 0)
                    {
                        table.RemoveHandedOut(Flow(port));
                    }
                }
            });

            int[] expected = Enumerable.Range(20000, Threads * PerThread).Where(p => (p - 20000) % PerThread % 5 != 0).ToArray();
            Assert.Equal(expected, Ports(ListSet(ns, "handed_out")));
            Assert.Empty(Ports(ListSet(ns, "closed")));
        }
    }

    [RootFact]
    public void AddHandedOut_TableNotInstalled_ThrowsNftExceptionNamingTheErrno_ThenWorksOnceInstalled()
    {
        NetworkNamespace ns = _namespaces.Add("nl");
        using NftFlowTable table = ns.Run(() => new NftFlowTable(Options()));

        using NftFlowTable addThenDelete = ns.Run(() => new NftFlowTable(Options(), destroySetElements: false));

        NftException add = Assert.Throws<NftException>(() => table.AddHandedOut(Flow(40500)));
        NftException remove = Assert.Throws<NftException>(() => addThenDelete.RemoveHandedOut(Flow(40500)));

        Assert.Contains("No such file or directory (ENOENT, errno 2)", add.Error);
        Assert.Contains($"add element inet {_tableName} handed_out {{ {ClientAddress} . 40500 timeout 120000ms }}", add.Command);
        Assert.Contains("ENOENT", remove.Error);
        Assert.Contains($"delete element inet {_tableName} closed {{ {ClientAddress} . 40500 }}", remove.Command);
        if (NfTablesSocket.KernelHasDestroySetElement)
        {
            // Destroy forgives a missing element, not a missing table.
            using NftFlowTable destroy = ns.Run(() => new NftFlowTable(Options(), destroySetElements: true));
            NftException destroyed = Assert.Throws<NftException>(() => destroy.RemoveHandedOut(Flow(40500)));
            Assert.Contains("ENOENT", destroyed.Error);
            Assert.Contains($"destroy element inet {_tableName} handed_out {{ {ClientAddress} . 40500 }}", destroyed.Command);
        }

        // The socket is usable after a refused transaction: no answer of the failed ones is taken for a later one's.
        table.Install();
        table.AddHandedOut(Flow(40500));
        Assert.Equal([40500], Ports(ListSet(ns, "handed_out")));
        Assert.Throws<InvalidOperationException>(() => table.AddSpliced(Flow(40500)));
    }

    [RootFact]
    public void AddAndRemove_AfterWarmUp_AllocateNothing()
    {
        (NetworkNamespace ns, NftFlowTable table) = Installed();
        using (table)
        {
            FlowKey flow = Flow(40600);
            for (int i = 0; i < 100; i++)
            {
                table.AddHandedOut(flow);
                table.RemoveHandedOut(flow);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++)
            {
                table.AddHandedOut(flow);
                table.RemoveHandedOut(flow);
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.Empty(Ports(ListSet(ns, "handed_out")));
        }
    }

    /// <summary>
    /// Not an assertion on time: prints µs per call of the libnftables text commands the flow table used before and
    /// of the netlink transactions it sends now, 1000 calls each, in one namespace (README-netlink.md).
    /// </summary>
    [RootFact]
    public void SetElementUpdates_LibnftablesVsNetlink_LatencyIsPrinted()
    {
        (NetworkNamespace ns, NftFlowTable table) = Installed(destroy: false);
        using (table)
        using (NftFlowTable destroyTable = ns.Run(() => new NftFlowTable(Options(), destroySetElements: true)))
        using (NftContext nft = ns.Run(() => new NftContext()))
        {
            const int Count = 1000;
            string t = $"inet {_tableName}";
            string Key(int port) => string.Create(CultureInfo.InvariantCulture, $"{ClientAddress} . {port}");
            // The text the flow table sent before it spoke netlink (same transactions).
            void TextAdd(int port) => nft.Run($"add element {t} handed_out {{ {Key(port)} timeout 120000ms }}");
            void TextRemove(int port) => nft.Run(
                $"add element {t} handed_out {{ {Key(port)} timeout 1s }}\ndelete element {t} handed_out {{ {Key(port)} }}\n" +
                $"add element {t} closed {{ {Key(port)} timeout 1s }}\ndelete element {t} closed {{ {Key(port)} }}\n");

            var lines = new StringBuilder();
            lines.AppendLine(Measure("libnftables AddHandedOut   ", Count, i => TextAdd(10000 + i)));
            lines.AppendLine(Measure("libnftables RemoveHandedOut", Count, i => TextRemove(10000 + i)));
            lines.AppendLine(Measure("netlink     AddHandedOut   ", Count, i => table.AddHandedOut(Flow(30000 + i))));
            lines.AppendLine(Measure("netlink     RemoveHandedOut", Count, i => table.RemoveHandedOut(Flow(30000 + i))));
            if (NfTablesSocket.KernelHasDestroySetElement)
            {
                lines.AppendLine(Measure("netlink     AddHandedOut (table that destroys)", Count, i => destroyTable.AddHandedOut(Flow(30000 + i))));
                lines.AppendLine(Measure("netlink     RemoveHandedOut (destroy)", Count, i => destroyTable.RemoveHandedOut(Flow(30000 + i))));
            }

            output.WriteLine(lines.ToString());
            Console.WriteLine(lines.ToString());
            Assert.Empty(Ports(ListSet(ns, "handed_out")));
        }
    }

    private static string Measure(string what, int count, Action<int> call)
    {
        call(count); // warm-up (the element of index count is left over: removed below)
        call(count);
        var samples = new double[count];
        long total = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            call(i);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        double mean = Stopwatch.GetElapsedTime(total).TotalMicroseconds / count;
        Array.Sort(samples);
        return string.Create(CultureInfo.InvariantCulture,
            $"{what}: {count} calls, mean {mean:F1} us, median {samples[count / 2]:F1} us, p90 {samples[count * 9 / 10]:F1} us, p99 {samples[count * 99 / 100]:F1} us, max {samples[^1]:F0} us");
    }

    /// <summary>A fresh namespace with the table installed; <paramref name="destroy"/> picks the removal path (null: the kernel's).</summary>
    private (NetworkNamespace Ns, NftFlowTable Table) Installed(TimeSpan? idle = null, uint? spliceMark = null, bool? destroy = null)
    {
        NetworkNamespace ns = _namespaces.Add("nl");
        NftFlowTable table = ns.Run(() => destroy is bool d ? new NftFlowTable(Options(idle, spliceMark), d) : new NftFlowTable(Options(idle, spliceMark)));
        table.Install();
        return (ns, table);
    }

    private NftFlowTableOptions Options(TimeSpan? idle = null, uint? spliceMark = null) => new()
    {
        Vip = Vip,
        Port = Port,
        Buckets = 2,
        FlowIdleTimeout = idle ?? TimeSpan.FromSeconds(120),
        SpliceMark = spliceMark,
        TableName = _tableName,
    };

    private static FlowKey Flow(int clientPort) => new(new IPEndPoint(ClientAddress, clientPort), new IPEndPoint(Vip, Port));

    private string ListSet(NetworkNamespace ns, string set) => Nft(ns, "list", "set", "inet", _tableName, set);

    private static string Nft(NetworkNamespace ns, params string[] args) => Shell.Run("ip", ["netns", "exec", ns.Name, "nft", .. args]);

    /// <summary>The client ports of the listed elements, ascending.</summary>
    private static int[] Ports(string listing) =>
        ElementRegex().Matches(ElementsOf(listing)).Select(m => int.Parse(m.Groups["port"].Value, CultureInfo.InvariantCulture)).Order().ToArray();

    /// <summary>The element's "expires" (nft omits its "timeout" when it equals the set's).</summary>
    private static TimeSpan Expiry(string listing, int port)
    {
        Match m = ElementRegex().Matches(ElementsOf(listing)).Single(m => m.Groups["port"].Value == port.ToString(CultureInfo.InvariantCulture));
        Assert.True(m.Groups["expires"].Success, $"element {port} has an expiry: {listing}");
        return DurationRegex().Matches(m.Groups["expires"].Value).Aggregate(TimeSpan.Zero, (sum, d) =>
        {
            long n = long.Parse(d.Groups[1].Value, CultureInfo.InvariantCulture);
            return sum + d.Groups[2].Value switch
            {
                "d" => TimeSpan.FromDays(n),
                "h" => TimeSpan.FromHours(n),
                "m" => TimeSpan.FromMinutes(n),
                "s" => TimeSpan.FromSeconds(n),
                _ => TimeSpan.FromMilliseconds(n),
            };
        });
    }

    private static string ElementsOf(string listing)
    {
        int start = listing.IndexOf("elements = {", StringComparison.Ordinal);
        return start < 0 ? "" : listing[start..listing.IndexOf('}', start)];
    }

    [GeneratedRegex(@"198\.18\.0\.5 \. (?<port>\d+)(?: timeout \S+?)?(?: expires (?<expires>[0-9dhms]+))?(?=[ ,\n]|$)")]
    private static partial Regex ElementRegex();

    [GeneratedRegex(@"(\d+)(ms|d|h|m|s)")]
    private static partial Regex DurationRegex();
}
