namespace Dts.Testbed;

/// <summary>A command the testbed ran (<c>ip</c>, <c>sysctl</c>, a client program) failed or timed out.</summary>
public sealed class TestbedCommandException : Exception
{
    /// <summary>Creates the exception from a failed result; the message carries the command line and stderr.</summary>
    public TestbedCommandException(ProcessResult result)
        : base(Describe(result))
    {
        Result = result;
    }

    /// <summary>The failed run: command line, exit code, output.</summary>
    public ProcessResult Result { get; }

    private static string Describe(ProcessResult r)
    {
        string what = r.TimedOut ? $"timed out after {r.Elapsed.TotalSeconds:0.0} s" : $"exited with {r.ExitCode}";
        string stderr = r.StandardError.Trim();
        return stderr.Length == 0 ? $"'{r.CommandLine}' {what}" : $"'{r.CommandLine}' {what}: {stderr}";
    }
}
