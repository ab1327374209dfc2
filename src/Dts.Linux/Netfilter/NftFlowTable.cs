using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dts.Core.Tcp;

namespace Dts.Linux.Netfilter;

/// <summary>
/// This node's flow-ownership filter (ARCHITECTURE.md §4b, §8) kept in nftables: the ruleset through libnftables
/// (never the nft program), the per-handover set-element updates (<see cref="AddHandedOut"/>,
/// <see cref="RemoveHandedOut"/>, <see cref="AddSpliced"/>) as nf_tables netlink batches Dts.Linux builds itself
/// (<c>NfTablesSocket</c>, README-netlink.md), an order of magnitude faster.
/// Only the opening of a connection is judged by the bucket table: a SYN is answered when its bucket
/// (<c>jhash ip saddr . tcp sport mod B</c>) is one of this node's (<see cref="SetBuckets"/>) and a listener is
/// there to take it; every later segment is accepted by the node that holds a socket for the flow (nft
/// <c>socket wildcard 0</c>: an established or TCP_REPAIR-restored socket, not the wildcard listener), plus the
/// handshake's later segments through the short-lived <c>embryonic</c> set (flows this node sent a SYN-ACK for) and
/// the client's FIN or RST to a socket here that is closing (FIN-WAIT-2, TIME-WAIT). Everything else is dropped,
/// never reset.
/// The origin's <c>handed_out</c> set drops a handed-over flow both ways (its frozen socket would still match
/// <c>socket</c>); the client's FIN or RST moves the flow to <c>closed</c>, whose non-SYN segments stay dropped while
/// a SYN on the reused port is a new connection again. An ARP table answers for the VIP with its multicast MAC.
/// Thread-safe.
/// The libnftables context and the netlink socket are opened in the constructor, so construct it on a thread inside
/// the node's network namespace (e.g. <see cref="Namespaces.NetworkNamespace.Run{T}(Func{T})"/>); calls can then come
/// from any thread.
/// </summary>
public sealed partial class NftFlowTable : IDisposable
{
    private readonly NftContext _nft;
    private readonly NfTablesSocket _netlink;
    private readonly bool _destroySetElements;
    private readonly byte[] _tableName;
    private readonly ulong _idleTimeoutMilliseconds;
    private readonly string _idleTimeout;
    private readonly string _handshakeTimeout;
    private readonly Lock _bucketsLock = new();
    private int[] _buckets = [];

    /// <summary>The most buckets a table may have.</summary>
    public const int MaxBuckets = 65536;

    /// <summary>Creates the libnftables context and the netlink socket; nothing is installed until <see cref="Install"/>.</summary>
    /// <exception cref="ArgumentException">The VIP is not IPv4, B is out of 1–65536, a timeout is under 1 ms or the table name is not an identifier.</exception>
    /// <exception cref="NftException">libnftables could not create a context.</exception>
    /// <exception cref="LinuxSocketException">The NETLINK_NETFILTER socket could not be opened.</exception>
    public NftFlowTable(NftFlowTableOptions options)
        : this(options, NfTablesSocket.KernelHasDestroySetElement)
    {
    }

    /// <summary>
    /// Like the public constructor; <paramref name="destroySetElements"/> says whether removals use
    /// NFT_MSG_DESTROYSETELEM (Linux ≥ 6.3) or the portable add-then-delete (tests run both on any kernel).
    /// </summary>
    internal NftFlowTable(NftFlowTableOptions options, bool destroySetElements)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Vip.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException("The VIP must be an IPv4 address (the sets are ipv4_addr . inet_service).", nameof(options));
        }

        if (options.Buckets is < 1 or > MaxBuckets)
        {
            throw new ArgumentException($"Buckets {options.Buckets} is not in [1, {MaxBuckets}].", nameof(options));
        }

        if (options.TableName.Length == 0 || !options.TableName.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException($"Table name '{options.TableName}' must be letters, digits and '_'.", nameof(options));
        }

        if (options.FlowIdleTimeout < TimeSpan.FromMilliseconds(1) || options.HandshakeTimeout < TimeSpan.FromMilliseconds(1))
        {
            throw new ArgumentException("FlowIdleTimeout and HandshakeTimeout must be at least 1 ms.", nameof(options));
        }

        Options = options;
        _idleTimeout = Milliseconds(options.FlowIdleTimeout);
        _handshakeTimeout = Milliseconds(options.HandshakeTimeout);
        _idleTimeoutMilliseconds = (ulong)options.FlowIdleTimeout.TotalMilliseconds;
        _tableName = SetElementCommand.NulTerminated(options.TableName);
        _destroySetElements = destroySetElements;
        _nft = new NftContext();
        try
        {
            _netlink = new NfTablesSocket();
        }
        catch
        {
            _nft.Dispose();
            throw;
        }
    }

    /// <summary>The options the table was built with.</summary>
    public NftFlowTableOptions Options { get; }

    /// <summary>
    /// Installs both tables in one atomic transaction, reconciling what is there: when the sets already exist
    /// with the same definition they keep their elements (a restarted node keeps dropping the flows it had
    /// handed out, instead of resetting them) and only the chains' rules are replaced; otherwise both tables
    /// are replaced, which empties the sets. Running it again leaves exactly one correct copy. The bucket chain is
    /// installed with the buckets last given to <see cref="SetBuckets"/> (none on a fresh instance: a starting
    /// node answers no SYN until the membership gives it buckets).
    /// </summary>
    /// <exception cref="NftException">libnftables rejected the ruleset.</exception>
    public void Install()
    {
        // Keep the sets (and the flows they protect) when the table is already there with the same sets;
        // replace everything when their definition changed.
        if (!_nft.TryRun(BuildRuleset(reconcile: true), out _, out _))
        {
            _nft.Run(BuildRuleset(reconcile: false));
        }
    }

    /// <summary>Removes both tables; removing tables that do not exist is not an error.</summary>
    /// <exception cref="NftException">libnftables rejected the command.</exception>
    public void Uninstall()
    {
        string name = Options.TableName;
        _nft.Run($"add table inet {name}\ndelete table inet {name}\nadd table arp {name}_arp\ndelete table arp {name}_arp\n");
    }

    /// <summary>
    /// Replaces, atomically (one nft transaction), the buckets whose SYNs this node answers. Established flows are
    /// untouched whatever the change: only SYNs consult the buckets.
    /// </summary>
    /// <param name="buckets">Bucket numbers in [0, B); any order, duplicates ignored; empty: answer no SYN.</param>
    /// <exception cref="ArgumentOutOfRangeException">A bucket is outside [0, B).</exception>
    /// <exception cref="NftException">libnftables rejected the command (e.g. the table is not installed).</exception>
    public void SetBuckets(IEnumerable<int> buckets)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        var sorted = buckets.Distinct().Order().ToArray();
        if (sorted.Length > 0 && (sorted[0] < 0 || sorted[^1] >= Options.Buckets))
        {
            throw new ArgumentOutOfRangeException(nameof(buckets), $"Buckets must be in [0, {Options.Buckets}).");
        }
        lock (_bucketsLock)
        {
            _nft.Run(BuildBucketChain(sorted, create: false));
            _buckets = sorted;
        }
    }

    /// <summary>
    /// Whether the kernel holds the tables' hooked chains now (<c>list chain</c> of <c>inet</c> pre, out and buckets,
    /// and <c>arp</c> out: their rules, not the sets' elements). False, with libnftables' error in
    /// <paramref name="problem"/>, when one is missing (never installed, or removed by someone else since).
    /// </summary>
    public bool IsInstalled(out string problem)
    {
        string t = Options.TableName;
        foreach (string chain in (string[])[$"inet {t} pre", $"inet {t} out", $"inet {t} buckets", $"arp {t}_arp out"])
        {
            if (!_nft.TryRun($"list chain {chain}", out _, out string error))
            {
                problem = $"chain {chain}: {error.Trim()}";
                return false;
            }
        }
        problem = "";
        return true;
    }

    /// <summary>The buckets last set with <see cref="SetBuckets"/>, ascending.</summary>
    public IReadOnlyList<int> Buckets => _buckets;

    /// <summary>
    /// Marks <paramref name="flow"/> as handed to another node: its packets are dropped both ways. Adds it to
    /// handed_out with the idle timeout (one netlink transaction); returns once the element is in place. Adding a
    /// flow that is there already is not an error.
    /// </summary>
    /// <exception cref="ArgumentException">The flow is not IPv4.</exception>
    /// <exception cref="NftException">The kernel refused the transaction (e.g. ENOENT: the table is not installed); carries the errno's text.</exception>
    public void AddHandedOut(FlowKey flow) => AddElement(HandedOutSet, flow);

    /// <summary>
    /// Removes <paramref name="flow"/> from handed_out and closed (the origin keeps the flow after all) in one
    /// transaction; a missing element is not an error.
    /// </summary>
    /// <exception cref="ArgumentException">The flow is not IPv4.</exception>
    /// <exception cref="NftException">The kernel refused the transaction (e.g. ENOENT: the table is not installed); carries the errno's text.</exception>
    public void RemoveHandedOut(FlowKey flow) => RemoveElements(flow, HandedOutSet, ClosedSet);

    /// <summary>Adds the flow to <c>spliced</c> with the idle timeout: its packets are marked for the Splice NFQUEUE from now on.</summary>
    /// <exception cref="InvalidOperationException">The table was built without <see cref="NftFlowTableOptions.SpliceMark"/>.</exception>
    /// <exception cref="ArgumentException">The flow is not IPv4.</exception>
    /// <exception cref="NftException">The kernel refused the transaction; carries the errno's text.</exception>
    public void AddSpliced(FlowKey flow)
    {
        if (Options.SpliceMark is null)
        {
            throw new InvalidOperationException("This flow table has no Splice rules (SpliceMark is not set).");
        }
        AddElement(SplicedSet, flow);
    }

    /// <summary>True when handed_out holds <paramref name="flow"/> (<c>get element</c>).</summary>
    /// <exception cref="NftException">libnftables rejected the command.</exception>
    public bool ContainsHandedOut(FlowKey flow) => ContainsElement("handed_out", flow);

    /// <summary>True when closed holds <paramref name="flow"/> (<c>get element</c>).</summary>
    /// <exception cref="NftException">libnftables rejected the command.</exception>
    public bool ContainsClosed(FlowKey flow) => ContainsElement("closed", flow);

    /// <summary>Closes the netlink socket and frees the libnftables context; the installed tables stay.</summary>
    public void Dispose()
    {
        _netlink.Dispose();
        _nft.Dispose();
    }

    /// <summary>Lists the inet table (for diagnostics and tests).</summary>
    internal string ListTable() => _nft.Run($"list table inet {Options.TableName}");

    /// <summary>Lists one set with its elements and their expiry (for diagnostics and tests).</summary>
    internal string ListSet(string set) => _nft.Run($"list set inet {Options.TableName} {set}");
}
