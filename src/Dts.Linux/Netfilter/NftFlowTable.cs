using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dts.Core.Tcp;

namespace Dts.Linux.Netfilter;

/// <summary>
/// This node's flow-ownership filter (ARCHITECTURE.md §7) kept in nftables through libnftables (never the
/// nft program): a prerouting hash rule that accepts only this node's share of client flows, the
/// <c>handed_out</c> and <c>handed_in</c> sets that override it per flow, an output drop for handed-out flows,
/// and an ARP table that answers for the VIP with its multicast MAC. Thread-safe.
/// The netlink socket is opened in the constructor, so construct it on a thread inside the node's network
/// namespace (e.g. <see cref="Namespaces.NetworkNamespace.Run{T}(Func{T})"/>); calls can then come from any thread.
/// </summary>
public sealed partial class NftFlowTable : IDisposable
{
    private readonly NftContext _nft;
    private readonly string _idleTimeout;

    /// <summary>Creates the libnftables context; nothing is installed until <see cref="Install"/>.</summary>
    /// <exception cref="ArgumentException">The VIP is not IPv4, the node index is out of range or the table name is not an identifier.</exception>
    /// <exception cref="NftException">libnftables could not create a context.</exception>
    public NftFlowTable(NftFlowTableOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Vip.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException("The VIP must be an IPv4 address (the sets are ipv4_addr . inet_service).", nameof(options));
        }

        if (options.NodeCount < 1 || options.NodeIndex < 0 || options.NodeIndex >= options.NodeCount)
        {
            throw new ArgumentException($"NodeIndex {options.NodeIndex} is not in [0, {options.NodeCount}).", nameof(options));
        }

        if (options.TableName.Length == 0 || !options.TableName.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException($"Table name '{options.TableName}' must be letters, digits and '_'.", nameof(options));
        }

        if (options.FlowIdleTimeout < TimeSpan.FromMilliseconds(1))
        {
            throw new ArgumentException("FlowIdleTimeout must be at least 1 ms.", nameof(options));
        }

        Options = options;
        _idleTimeout = string.Create(CultureInfo.InvariantCulture, $"{(long)options.FlowIdleTimeout.TotalMilliseconds}ms");
        _nft = new NftContext();
    }

    /// <summary>The options the table was built with.</summary>
    public NftFlowTableOptions Options { get; }

    /// <summary>
    /// Installs both tables in one atomic transaction, reconciling what is there: when the sets already exist
    /// with the same definition they keep their elements (a restarted node keeps dropping the flows it had
    /// handed out, instead of resetting them) and only the chains' rules are replaced; otherwise both tables
    /// are replaced, which empties the sets. Running it again leaves exactly one correct copy.
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

    /// <summary>Marks <paramref name="flow"/> as handed to another node: its packets are dropped both ways.</summary>
    /// <exception cref="NftException">libnftables rejected the command (e.g. the table is not installed).</exception>
    public void AddHandedOut(FlowKey flow) => AddElement("handed_out", flow);

    /// <summary>Marks <paramref name="flow"/> as handed to this node: its packets are accepted despite the hash rule.</summary>
    /// <exception cref="NftException">libnftables rejected the command.</exception>
    public void AddHandedIn(FlowKey flow) => AddElement("handed_in", flow);

    /// <summary>Removes <paramref name="flow"/> from handed_out; a missing element is not an error.</summary>
    /// <exception cref="NftException">libnftables rejected the command (e.g. the table is not installed).</exception>
    public void RemoveHandedOut(FlowKey flow) => RemoveElement("handed_out", flow);

    /// <summary>Removes <paramref name="flow"/> from handed_in; a missing element is not an error.</summary>
    /// <exception cref="NftException">libnftables rejected the command.</exception>
    public void RemoveHandedIn(FlowKey flow) => RemoveElement("handed_in", flow);

    /// <summary>Adds the flow to <c>spliced</c>: its packets are marked for the Splice NFQUEUE from now on.</summary>
    /// <exception cref="InvalidOperationException">The table was built without <see cref="NftFlowTableOptions.SpliceMark"/>.</exception>
    /// <exception cref="NftException">libnftables refused the command.</exception>
    public void AddSpliced(FlowKey flow)
    {
        if (Options.SpliceMark is null)
        {
            throw new InvalidOperationException("This flow table has no Splice rules (SpliceMark is not set).");
        }
        AddElement("spliced", flow);
    }

    /// <summary>True when handed_out holds <paramref name="flow"/> (<c>get element</c>).</summary>
    /// <exception cref="NftException">libnftables rejected the command.</exception>
    public bool ContainsHandedOut(FlowKey flow) => ContainsElement("handed_out", flow);

    /// <summary>True when handed_in holds <paramref name="flow"/> (<c>get element</c>).</summary>
    /// <exception cref="NftException">libnftables rejected the command.</exception>
    public bool ContainsHandedIn(FlowKey flow) => ContainsElement("handed_in", flow);

    /// <summary>Frees the libnftables context; the installed tables stay.</summary>
    public void Dispose() => _nft.Dispose();

    /// <summary>Lists the inet table (for diagnostics and tests).</summary>
    internal string ListTable() => _nft.Run($"list table inet {Options.TableName}");

    /// <summary>Lists one set with its elements and their expiry (for diagnostics and tests).</summary>
    internal string ListSet(string set) => _nft.Run($"list set inet {Options.TableName} {set}");
}
