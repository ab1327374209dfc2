namespace Dts.Linux.Netfilter;

/// <summary>An iptables/ip6tables command failed: carries the command line, exit code and its standard error.</summary>
public sealed class IptablesException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="command">The program and arguments.</param>
    /// <param name="exitCode">The exit code (1: rule or chain problem, 2: bad arguments, 4: resource problem, e.g. the xtables lock).</param>
    /// <param name="error">The program's standard error.</param>
    public IptablesException(string command, int exitCode, string error)
        : base($"{command} exited {exitCode}: {error.Trim()}")
    {
        Command = command;
        ExitCode = exitCode;
        Error = error;
    }

    /// <summary>The program and arguments.</summary>
    public string Command { get; }

    /// <summary>The exit code.</summary>
    public int ExitCode { get; }

    /// <summary>The program's standard error.</summary>
    public string Error { get; }
}
