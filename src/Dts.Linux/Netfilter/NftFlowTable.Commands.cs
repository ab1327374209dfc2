using System.Globalization;
using System.Text;
using System.Net;
using System.Net.Sockets;
using Dts.Core.Ownership;
using Dts.Core.Tcp;

namespace Dts.Linux.Netfilter;

public sealed partial class NftFlowTable
{
    private void AddElement(string set, FlowKey flow) =>
        _nft.Run($"add element inet {Options.TableName} {set} {{ {Key(flow)} timeout {_idleTimeout} }}");

    private void RemoveElement(string set, FlowKey flow)
    {
        // nftables < 1.0.7 has no "destroy element"; the kernel's ENOENT for the element means "not there".
        string command = $"delete element inet {Options.TableName} {set} {{ {Key(flow)} }}";
        if (!_nft.TryRun(command, out _, out string error) && !error.Contains(NftContext.NoSuchElement, StringComparison.Ordinal))
        {
            throw new NftException(command, error);
        }
    }

    private bool ContainsElement(string set, FlowKey flow)
    {
        string command = $"get element inet {Options.TableName} {set} {{ {Key(flow)} }}";
        if (_nft.TryRun(command, out _, out string error))
        {
            return true;
        }

        return error.Contains(NftContext.NoSuchElement, StringComparison.Ordinal) ? false : throw new NftException(command, error);
    }

    /// <summary>The set key: client address . client port.</summary>
    private static string Key(FlowKey flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        IPAddress address = flow.Client.Address.IsIPv4MappedToIPv6 ? flow.Client.Address.MapToIPv4() : flow.Client.Address;
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"Flow {flow} is not IPv4.", nameof(flow));
        }

        return string.Create(CultureInfo.InvariantCulture, $"{address} . {flow.Client.Port}");
    }

    /// <summary>The whole ruleset as one transaction: each table is created if missing, deleted, then defined.</summary>
    /// <summary>The most elements a flow set holds (nft's default for dynamic sets is 65535).</summary>
    internal const int SetSize = 1 << 20;

    /// <summary>
    /// The table as one atomic nft batch. With <paramref name="reconcile"/>, existing sets and their elements are
    /// kept (a restarted node must keep protecting the flows it handed out) and only the chains' rules are
    /// replaced; otherwise the tables are deleted and created anew.
    /// </summary>
    internal string BuildRuleset(bool reconcile = true)
    {
        NftFlowTableOptions o = Options;
        string t = $"inet {o.TableName}";
        string vip = o.Vip.ToString();
        string match = $"ip daddr {vip} tcp dport {o.Port}";
        string reply = $"ip saddr {vip} tcp sport {o.Port}";
        string idle = _idleTimeout;
        string seed = o.HashSeed.ToString("x8", CultureInfo.InvariantCulture);
        string mac = MulticastMac.ToText(MulticastMac.For(o.Vip));
        string mark = o.SpliceMark is { } m ? "0x" + m.ToString("x", CultureInfo.InvariantCulture) : "";
        string setSpec = $"{{ type ipv4_addr . inet_service; flags timeout,dynamic; timeout {idle}; size {SetSize}; }}";
        var sets = o.SpliceMark is null ? new[] { "handed_out", "handed_in" } : new[] { "handed_out", "handed_in", "spliced" };

        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"add table {t}\n");
        if (!reconcile)
        {
            b.Append(CultureInfo.InvariantCulture, $"delete table {t}\nadd table {t}\n");
        }
        foreach (string set in sets)
        {
            b.Append(CultureInfo.InvariantCulture, $"add set {t} {set} {setSpec}\n");
        }
        b.Append(CultureInfo.InvariantCulture, $"add chain {t} pre {{ type filter hook prerouting priority -300; policy accept; }}\n");
        b.Append(CultureInfo.InvariantCulture, $"add chain {t} out {{ type filter hook output priority -300; policy accept; }}\n");
        b.Append(CultureInfo.InvariantCulture, $"flush chain {t} pre\nflush chain {t} out\n");

        void Pre(string rule) => b.Append(CultureInfo.InvariantCulture, $"add rule {t} pre {rule}\n");
        void Out(string rule) => b.Append(CultureInfo.InvariantCulture, $"add rule {t} out {rule}\n");

        Pre($"ip daddr {vip} meta pkttype multicast meta pkttype set host");
        if (o.SpliceMark is not null)
        {
            // The target's own injected handshake (and local clients) arrive on lo: never filtered or translated.
            Pre($"iif \"lo\" {match} accept");
        }
        // A SYN follows the sets like any packet: on a live connection the owner's stack answers it with a
        // challenge ACK (RFC 5961 §4); a new connection on a reused client port goes to the node that owns the
        // 4-tuple now (the last target), which serves it like any connection it accepted.
        Pre($"{match} ip saddr . tcp sport @handed_out update @handed_out {{ ip saddr . tcp sport timeout {idle} }} drop");
        if (o.SpliceMark is not null)
        {
            // Spliced flows' packets go to the Splice NFQUEUE (which drops what it cannot translate). The mark
            // only steers: whether this node takes the packet at all is still the sets' and the hash's call, so a
            // flow whose handover failed here is never answered by this node's stack.
            Pre($"{match} ip saddr . tcp sport @spliced update @spliced {{ ip saddr . tcp sport timeout {idle} }} meta mark set {mark}");
        }
        Pre($"{match} ip saddr . tcp sport @handed_in update @handed_in {{ ip saddr . tcp sport timeout {idle} }} accept");
        Pre($"{match} jhash ip saddr . tcp sport mod {o.NodeCount} seed 0x{seed} != {o.NodeIndex} drop");
        Out($"{reply} ip daddr . tcp dport @handed_out drop");
        Out($"{reply} ip daddr . tcp dport @handed_in update @handed_in {{ ip daddr . tcp dport timeout {idle} }}");
        if (o.SpliceMark is not null)
        {
            Out($"{reply} ip daddr . tcp dport @spliced meta mark set {mark}");
        }

        string arp = $"arp {o.TableName}_arp";
        b.Append(CultureInfo.InvariantCulture, $"add table {arp}\ndelete table {arp}\nadd table {arp}\n");
        b.Append(CultureInfo.InvariantCulture, $"add chain {arp} out {{ type filter hook output priority 0; policy accept; }}\n");
        b.Append(CultureInfo.InvariantCulture, $"add rule {arp} out arp operation reply arp saddr ip {vip} arp saddr ether set {mac}\n");
        return b.ToString();
    }
}
