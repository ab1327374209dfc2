using System.Globalization;
using System.Security.Cryptography;
using Dts.Linux.Namespaces;

namespace Dts.Linux.Netfilter;

/// <summary>
/// Installs and removes, idempotently, the rules that send packets carrying a mark to an NFQUEUE queue —
/// without <c>bypass</c>/<c>--queue-bypass</c>, so while no <see cref="NfQueue"/> is bound the kernel drops them
/// (fail closed). Two mechanisms (ARCHITECTURE.md §4): nftables' <c>queue</c> statement in a table of its own, or,
/// where the kernel lacks CONFIG_NFT_QUEUE (this machine kind), iptables-nft <c>-j NFQUEUE</c> in the mangle table.
/// Acts on the network namespace of the thread that runs the constructor; calls can then come from any thread.
/// iptables runs as a program, at install/uninstall time only.
/// </summary>
public sealed partial class NfQueueSteering : IDisposable
{
    private readonly NftContext _nft;
    private readonly SafeFdHandle _netns;
    private readonly Lock _lock = new();

    /// <summary>Opens a libnftables context and this thread's namespace; resolves <see cref="NfQueueSteeringMode.Auto"/>.
    /// Nothing is installed until <see cref="Install"/>.</summary>
    /// <exception cref="ArgumentException">No hook, or the table name is not an identifier.</exception>
    /// <exception cref="NftException">libnftables could not create a context.</exception>
    /// <exception cref="LinuxSocketException">open(/proc/thread-self/ns/net) failed.</exception>
    public NfQueueSteering(NfQueueSteeringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Hooks == NfQueueSteeringHooks.None || (options.Hooks & ~AllHooks) != 0)
        {
            throw new ArgumentException($"Hooks {options.Hooks} must name at least one of {AllHooks}.", nameof(options));
        }

        if (options.TableName.Length == 0 || !options.TableName.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException($"Table name '{options.TableName}' must be letters, digits and '_'.", nameof(options));
        }

        if ((options.Mark & ~options.Mask) != 0)
        {
            throw new ArgumentException($"Mark 0x{options.Mark:x} has bits outside mask 0x{options.Mask:x}; it could never match.", nameof(options));
        }

        Options = options;
        _nft = new NftContext();
        int fd = Interop.Libc.open("/proc/thread-self/ns/net", Interop.Libc.O_RDONLY | Interop.Libc.O_CLOEXEC);
        if (fd < 0)
        {
            _nft.Dispose();
            throw LinuxSocketException.FromLastError("open(/proc/thread-self/ns/net)");
        }

        _netns = new SafeFdHandle(fd);
        Mode = options.Mode != NfQueueSteeringMode.Auto ? options.Mode
            : IsNftQueueSupported(_nft) ? NfQueueSteeringMode.Nftables : NfQueueSteeringMode.Iptables;
    }

    /// <summary>The options the steering was built with.</summary>
    public NfQueueSteeringOptions Options { get; }

    /// <summary>The mechanism in use: <see cref="NfQueueSteeringMode.Nftables"/> or <see cref="NfQueueSteeringMode.Iptables"/>.</summary>
    public NfQueueSteeringMode Mode { get; }

    private const NfQueueSteeringHooks AllHooks = NfQueueSteeringHooks.Prerouting | NfQueueSteeringHooks.Output | NfQueueSteeringHooks.Postrouting;

    /// <summary>
    /// Installs the rules. Running it again leaves one copy: nftables mode replaces its table in one transaction;
    /// iptables mode appends only the rules <c>-C</c> does not find.
    /// </summary>
    /// <exception cref="NftException">libnftables rejected the table (e.g. no CONFIG_NFT_QUEUE with Mode = Nftables).</exception>
    /// <exception cref="IptablesException">iptables/ip6tables failed.</exception>
    public void Install()
    {
        lock (_lock)
        {
            if (Mode == NfQueueSteeringMode.Nftables)
            {
                _nft.Run(BuildNftRuleset());
                return;
            }

            RunInNamespace(() =>
            {
                foreach ((string program, string[] rule) in IptablesRules())
                {
                    if (Iptables(program, "-C", rule, allowMissing: true))
                    {
                        continue;
                    }

                    Iptables(program, "-A", rule, allowMissing: false);
                }
            });
        }
    }

    /// <summary>Removes the rules; rules that are not there are not an error.</summary>
    /// <exception cref="NftException">libnftables rejected the command.</exception>
    /// <exception cref="IptablesException">iptables/ip6tables failed for another reason than a missing rule.</exception>
    public void Uninstall()
    {
        lock (_lock)
        {
            if (Mode == NfQueueSteeringMode.Nftables)
            {
                string t = $"{NftFamily} {Options.TableName}";
                _nft.Run($"add table {t}\ndelete table {t}\n");
                return;
            }

            RunInNamespace(() =>
            {
                foreach ((string program, string[] rule) in IptablesRules())
                {
                    // -D removes one copy; a copy appended twice by hand goes too.
                    for (int i = 0; i < 16 && Iptables(program, "-D", rule, allowMissing: true); i++)
                    {
                    }
                }
            });
        }
    }

    /// <summary>Frees the libnftables context and the namespace fd; installed rules stay.</summary>
    public void Dispose()
    {
        _nft.Dispose();
        _netns.Dispose();
    }

    /// <summary>
    /// Whether this kernel has nftables' <c>queue</c> expression: adds a throwaway table with a <c>queue</c> rule and
    /// deletes it in the same transaction, so nothing is left even if the process dies. The kernel instantiates
    /// the expression (loading nft_queue) when the rule is added; without CONFIG_NFT_QUEUE the batch fails with
    /// ENOENT.
    /// </summary>
    internal static bool IsNftQueueSupported(NftContext nft)
    {
        string t = string.Create(CultureInfo.InvariantCulture, $"inet dts_qprobe_{Environment.ProcessId}_{RandomNumberGenerator.GetInt32(int.MaxValue):x}");
        return nft.TryRun(
            $"add table {t}\nadd chain {t} c {{ type filter hook output priority 0; policy accept; }}\n"
            + $"add rule {t} c meta mark 0x1 queue num 0\ndelete table {t}\n",
            out _,
            out _);
    }

    /// <summary>The installed rules as text (nft listing or <c>iptables -S</c>), for diagnostics and tests.</summary>
    internal string ListRules()
    {
        if (Mode == NfQueueSteeringMode.Nftables)
        {
            return _nft.TryRun($"list table {NftFamily} {Options.TableName}", out string output, out _) ? output : string.Empty;
        }

        return RunInNamespace(() => string.Join('\n', Programs.Select(p => RunProgram(p, ["-w", "10", "-t", "mangle", "-S"]).Output)));
    }
}
