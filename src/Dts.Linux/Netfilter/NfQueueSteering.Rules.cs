using System.Diagnostics;
using System.Globalization;
using Dts.Linux.Namespaces;

namespace Dts.Linux.Netfilter;

public sealed partial class NfQueueSteering
{
    private string NftFamily => Options.IncludeIPv6 ? "inet" : "ip";

    private IEnumerable<string> Programs => Options.IncludeIPv6 ? ["iptables", "ip6tables"] : ["iptables"];

    /// <summary>The nftables table: per hook a chain at mangle priority (-150) with <c>meta mark &amp; mask == mark queue num N</c>.</summary>
    internal string BuildNftRuleset()
    {
        NfQueueSteeringOptions o = Options;
        string t = $"{NftFamily} {o.TableName}";
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"add table {t}\ndelete table {t}\nadd table {t}\n");
        foreach ((NfQueueSteeringHooks hook, string name) in Hooks())
        {
            text.Append(CultureInfo.InvariantCulture, $"add chain {t} {name} {{ type filter hook {name} priority mangle; policy accept; }}\n");
            text.Append(CultureInfo.InvariantCulture, $"add rule {t} {name} meta mark & 0x{o.Mask:x8} == 0x{o.Mark:x8} queue num {o.QueueNumber}\n");
        }

        return text.ToString();
    }

    /// <summary>One mangle rule per program and hook: <c>-m mark --mark M/K -m comment -j NFQUEUE --queue-num N</c>, no --queue-bypass.</summary>
    internal IEnumerable<(string Program, string[] Rule)> IptablesRules()
    {
        NfQueueSteeringOptions o = Options;
        string mark = string.Create(CultureInfo.InvariantCulture, $"0x{o.Mark:x}/0x{o.Mask:x}");
        string queue = o.QueueNumber.ToString(CultureInfo.InvariantCulture);
        foreach (string program in Programs)
        {
            foreach ((NfQueueSteeringHooks _, string name) in Hooks())
            {
                yield return (program, [name.ToUpperInvariant(), "-m", "mark", "--mark", mark, "-m", "comment", "--comment", $"dts nfqueue {queue}",
                    "-j", "NFQUEUE", "--queue-num", queue]);
            }
        }
    }

    private IEnumerable<(NfQueueSteeringHooks Hook, string Name)> Hooks()
    {
        foreach ((NfQueueSteeringHooks hook, string name) in new[]
        {
            (NfQueueSteeringHooks.Prerouting, "prerouting"),
            (NfQueueSteeringHooks.Output, "output"),
            (NfQueueSteeringHooks.Postrouting, "postrouting"),
        })
        {
            if (Options.Hooks.HasFlag(hook))
            {
                yield return (hook, name);
            }
        }
    }

    /// <summary>Runs <c>program -w 10 -t mangle op rule</c>. Exit 1 with <paramref name="allowMissing"/> ("Bad rule (does a
    /// matching rule exist in that chain?)") returns false.</summary>
    private static bool Iptables(string program, string operation, string[] rule, bool allowMissing)
    {
        string[] args = ["-w", "10", "-t", "mangle", operation, .. rule];
        (int code, _, string error) = RunProgram(program, args);
        if (code == 0)
        {
            return true;
        }

        return allowMissing && code == 1 ? false : throw new IptablesException($"{program} {string.Join(' ', args)}", code, error);
    }

    private static (int Code, string Output, string Error) RunProgram(string program, string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(psi) ?? throw new IptablesException(program, -1, "could not start");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill(entireProcessTree: true);
            throw new IptablesException($"{program} {string.Join(' ', args)}", -1, "did not finish in 30 s");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>
    /// Runs <paramref name="action"/> on a thread inside this steering's namespace. A child process inherits the
    /// network namespace of the thread that forks it (setns(2) is per thread; .NET forks on the calling thread),
    /// so iptables then acts on that namespace.
    /// </summary>
    private T RunInNamespace<T>(Func<T> action)
    {
        using NetworkNamespace ns = NetworkNamespace.Open($"/proc/{Environment.ProcessId}/fd/{_netns.Fd}");
        return ns.Run(action);
    }

    private void RunInNamespace(Action action) => RunInNamespace<object?>(() =>
    {
        action();
        return null;
    });
}
