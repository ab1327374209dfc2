namespace Dts.Cli.Commands;

/// <summary>What <c>dts testbed node &lt;verb&gt;</c> does to one node.</summary>
internal enum NodeVerb
{
    /// <summary>Start the node program (detached, output appended to its log) and wait until <c>/dts/health</c> answers 200.</summary>
    Start,

    /// <summary>SIGTERM (a graceful drain), then wait for it to exit (SIGKILL after the testbed's grace period).</summary>
    Stop,

    /// <summary>SIGKILL (a crash), then wait for it to be gone.</summary>
    Kill,
}
