using System.Globalization;
using System.Net;
using System.Net.Sockets;
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
    internal string BuildRuleset()
    {
        NftFlowTableOptions o = Options;
        string vip = o.Vip.ToString();
        string match = $"ip daddr {vip} tcp dport {o.Port}";
        string idle = _idleTimeout;
        string seed = o.HashSeed.ToString("x8", CultureInfo.InvariantCulture);
        string mac = string.Join(':', MulticastMacFor(o.Vip).GetAddressBytes().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        return string.Create(CultureInfo.InvariantCulture, $$"""
            add table inet {{o.TableName}}
            delete table inet {{o.TableName}}
            table inet {{o.TableName}} {
              set handed_out { type ipv4_addr . inet_service; flags timeout,dynamic; timeout {{idle}}; }
              set handed_in { type ipv4_addr . inet_service; flags timeout,dynamic; timeout {{idle}}; }
              chain pre {
                type filter hook prerouting priority -300; policy accept;
                ip daddr {{vip}} meta pkttype multicast meta pkttype set host
                {{match}} ip saddr . tcp sport @handed_out update @handed_out { ip saddr . tcp sport timeout {{idle}} } drop
                {{match}} ip saddr . tcp sport @handed_in update @handed_in { ip saddr . tcp sport timeout {{idle}} } accept
                {{match}} jhash ip saddr . tcp sport mod {{o.NodeCount}} seed 0x{{seed}} != {{o.NodeIndex}} drop
              }
              chain out {
                type filter hook output priority -300; policy accept;
                ip saddr {{vip}} tcp sport {{o.Port}} ip daddr . tcp dport @handed_out drop
                ip saddr {{vip}} tcp sport {{o.Port}} ip daddr . tcp dport @handed_in update @handed_in { ip daddr . tcp dport timeout {{idle}} }
              }
            }
            add table arp {{o.TableName}}_arp
            delete table arp {{o.TableName}}_arp
            table arp {{o.TableName}}_arp {
              chain out {
                type filter hook output priority 0; policy accept;
                arp operation reply arp saddr ip {{vip}} arp saddr ether set {{mac}}
              }
            }

            """);
    }
}
