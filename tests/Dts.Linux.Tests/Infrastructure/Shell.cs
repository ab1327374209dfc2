using System.Diagnostics;

namespace Dts.Linux.Tests.Infrastructure;

/// <summary>Runs a command-line tool (ip, nft, gcc) and returns its stdout; throws with stderr on failure.</summary>
internal static class Shell
{
    public static string Run(string fileName, params string[] args)
    {
        (int code, string stdout, string stderr) = TryRun(fileName, args);
        if (code != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', args)} exited {code}: {stderr.Trim()}");
        }

        return stdout;
    }

    public static (int ExitCode, string Stdout, string Stderr) TryRun(string fileName, params string[] args)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish in 30 s.");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs <c>ip</c> with the arguments split on spaces.</summary>
    public static string Ip(string args) => Run("ip", args.Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
