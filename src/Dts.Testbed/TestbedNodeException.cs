namespace Dts.Testbed;

/// <summary>A node process exited early or did not become ready in time; the message ends with the tail of its log.</summary>
public sealed class TestbedNodeException : Exception
{
    /// <summary>Creates the exception for node <paramref name="node"/> (1-based).</summary>
    public TestbedNodeException(int node, string reason, string logPath, string logTail)
        : base($"Node n{node}: {reason}\n--- last lines of {logPath} ---\n{logTail}")
    {
        Node = node;
        LogPath = logPath;
    }

    /// <summary>The node (1-based).</summary>
    public int Node { get; }

    /// <summary>The node's log file (stdout and stderr).</summary>
    public string LogPath { get; }
}
