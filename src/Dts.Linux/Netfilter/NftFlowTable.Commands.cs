using System.Globalization;
using System.Text;
using System.Net;
using System.Net.Sockets;
using Dts.Core.Ownership;
using Dts.Core.Tcp;

namespace Dts.Linux.Netfilter;

public sealed partial class NftFlowTable
{
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

    /// <summary>The most elements a flow set holds (nft's default for dynamic sets is 65535).</summary>
    internal const int SetSize = 1 << 20;

    private static string Milliseconds(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{(long)t.TotalMilliseconds}ms");

    private string Match => $"ip daddr {Options.Vip} tcp dport {Options.Port}";

    /// <summary>
    /// The <c>buckets</c> chain's content as one transaction: flushed, then (unless <paramref name="buckets"/> is
    /// empty) one rule accepting a SYN whose bucket is one of <paramref name="buckets"/> and which a socket is there
    /// to take (<c>socket transparent 0</c>: the listener, or a TIME-WAIT socket of the port's previous connection,
    /// which the kernel reopens — <c>socket wildcard</c> would miss the TIME-WAIT, which is no full socket, and drop
    /// the SYN). A node whose process died has no listener: its kernel never answers the SYNs of buckets it still
    /// lists with a SYN-ACK (at most a TIME-WAIT's bare ACK, which the client ignores while the new owner answers).
    /// </summary>
    internal string BuildBucketChain(IReadOnlyList<int> buckets, bool create)
    {
        NftFlowTableOptions o = Options;
        string t = $"inet {o.TableName}";
        var b = new StringBuilder();
        if (create)
        {
            b.Append(CultureInfo.InvariantCulture, $"add chain {t} buckets\n");
        }
        b.Append(CultureInfo.InvariantCulture, $"flush chain {t} buckets\n");
        if (buckets.Count > 0)
        {
            string seed = o.HashSeed.ToString("x8", CultureInfo.InvariantCulture);
            b.Append(CultureInfo.InvariantCulture,
                $"add rule {t} buckets jhash ip saddr . tcp sport mod {o.Buckets} seed 0x{seed} {{ {Ranges(buckets)} }} socket transparent 0 accept\n");
        }
        return b.ToString();
    }

    /// <summary>Ascending bucket numbers as nft set elements, runs folded into ranges: <c>1, 5-9, 12</c>.</summary>
    private static string Ranges(IReadOnlyList<int> sorted)
    {
        var b = new StringBuilder();
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }
            b.Append(b.Length > 0 ? ", " : "").Append(sorted[i].ToString(CultureInfo.InvariantCulture));
            if (j > i)
            {
                b.Append('-').Append(sorted[j].ToString(CultureInfo.InvariantCulture));
            }
            i = j + 1;
        }
        return b.ToString();
    }

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
        string match = Match;
        string reply = $"ip saddr {vip} tcp sport {o.Port}";
        string idle = _idleTimeout;
        string mac = MulticastMac.ToText(MulticastMac.For(o.Vip));
        string mark = o.SpliceMark is { } m ? "0x" + m.ToString("x", CultureInfo.InvariantCulture) : "";
        const string syn = "tcp flags & (syn|ack|rst|fin) == syn";
        const string key = "ip saddr . tcp sport";
        string FlowSet(string timeout) => $"{{ type ipv4_addr . inet_service; flags timeout,dynamic; timeout {timeout}; size {SetSize}; }}";
        var sets = new List<(string Name, string Spec)>
        {
            ("handed_out", FlowSet(idle)), ("closed", FlowSet(idle)), ("embryonic", FlowSet(_handshakeTimeout)),
        };
        if (o.SpliceMark is not null)
        {
            sets.Add(("spliced", FlowSet(idle)));
        }

        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"add table {t}\n");
        if (!reconcile)
        {
            b.Append(CultureInfo.InvariantCulture, $"delete table {t}\nadd table {t}\n");
        }
        foreach (var (name, spec) in sets)
        {
            b.Append(CultureInfo.InvariantCulture, $"add set {t} {name} {spec}\n");
        }
        b.Append(CultureInfo.InvariantCulture, $"add chain {t} pre {{ type filter hook prerouting priority -300; policy accept; }}\n");
        b.Append(CultureInfo.InvariantCulture, $"add chain {t} out {{ type filter hook output priority -300; policy accept; }}\n");
        b.Append(CultureInfo.InvariantCulture, $"flush chain {t} pre\nflush chain {t} out\n");
        b.Append(BuildBucketChain(_buckets, create: true));

        void Pre(string rule) => b.Append(CultureInfo.InvariantCulture, $"add rule {t} pre {rule}\n");
        void Out(string rule) => b.Append(CultureInfo.InvariantCulture, $"add rule {t} out {rule}\n");

        Pre($"ip daddr {vip} meta pkttype multicast meta pkttype set host");
        if (o.SpliceMark is not null)
        {
            // The target's own injected handshake (and local clients) arrive on lo: never filtered or translated.
            Pre($"iif \"lo\" {match} accept");
        }
        // A SYN on a flow the client closed after it was handed out is a new connection on a reused port.
        Pre($"{match} {syn} {key} @closed delete @closed {{ {key} }}");
        // The client's FIN or RST ends a handed-out flow: from then on a SYN on its port is a new connection, while
        // the flow's last segments stay dropped here.
        Pre($"{match} tcp flags & (fin|rst) != 0 {key} @handed_out delete @handed_out {{ {key} }} update @closed {{ {key} timeout {idle} }} drop");
        // Handed out (the origin's frozen socket would still match `socket`): dropped both ways. A SYN on it (stale
        // or spoofed; the flow lives on the target, which answers with a challenge ACK) neither passes nor keeps
        // the element alive.
        Pre($"{match} {syn} {key} @handed_out drop");
        Pre($"{match} {key} @handed_out update @handed_out {{ {key} timeout {idle} }} drop");
        Pre($"{match} {key} @closed update @closed {{ {key} timeout {idle} }} drop");
        if (o.SpliceMark is not null)
        {
            // Spliced flows' packets go to the Splice NFQUEUE (which drops what it cannot translate). The mark only
            // steers: whether this node takes the packet at all is still the socket rule's call below.
            Pre($"{match} {key} @spliced update @spliced {{ {key} timeout {idle} }} meta mark set {mark}");
        }
        // Every later segment belongs to the node that holds a socket for the flow (not the wildcard listener).
        Pre($"{match} socket wildcard 0 accept");
        // Only the opening of a connection is judged by the bucket table; a SYN it does not accept goes no further.
        Pre($"{match} {syn} jump buckets");
        Pre($"{match} {syn} drop");
        // The handshake's later segments meet a request socket, which `socket wildcard` does not match: `embryonic`
        // holds the flows this node's own stack sent a SYN-ACK for (out chain), until it sends its first segment
        // that is no SYN (the handshake is done). A node that merely has a TIME-WAIT or an old handshake of the same
        // client port never takes a new connection's ACK for one.
        Pre($"{match} {key} @embryonic accept");
        // Only the listener here: a flow this node has no socket for (never reach the stack, which would reset it).
        Pre($"{match} socket wildcard 1 drop");
        // A closing socket here that is no full socket any more (FIN-WAIT-2 or TIME-WAIT once its owner closed it):
        // the client's FIN (or RST) must reach it, or the client's side stays in LAST-ACK and its port with it. Other
        // segments never do: a new connection on the same client port may live on another node.
        Pre($"{match} tcp flags & (fin|rst) != 0 socket transparent 0 accept");
        Pre($"{match} drop");

        Out($"{reply} ip daddr . tcp dport @handed_out drop");
        Out($"{reply} ip daddr . tcp dport @closed drop");
        // A handshake here that a client never meant (a delayed or replayed SYN of a connection that lives on another
        // node): the client answers this node's SYN-ACK with an ACK of its live connection, and the request socket
        // would reset it — with the client's own rcv_nxt, in window. Never send that RST.
        Out($"{reply} tcp flags & rst != 0 ip daddr . tcp dport @embryonic drop");
        Out($"{reply} tcp flags & (syn|ack) == syn|ack update @embryonic {{ ip daddr . tcp dport timeout {_handshakeTimeout} }}");
        Out($"{reply} tcp flags & syn == 0 ip daddr . tcp dport @embryonic delete @embryonic {{ ip daddr . tcp dport }}");
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
