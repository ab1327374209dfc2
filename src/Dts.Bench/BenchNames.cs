using Dts.Core.Handover;

namespace Dts.Bench;

/// <summary>The lowercase names modes and workloads have on the command line, in tables and in the JSON file.</summary>
public static class BenchNames
{
    /// <summary><c>direct</c>, <c>repair</c>, <c>splice</c>, <c>yarp</c>, <c>nginx</c>.</summary>
    public static string Name(this BenchMode mode) => mode switch
    {
        BenchMode.Direct => "direct",
        BenchMode.Repair => "repair",
        BenchMode.Splice => "splice",
        BenchMode.Yarp => "yarp",
        BenchMode.Nginx => "nginx",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    /// <summary><c>w0</c> … <c>w4</c>.</summary>
    public static string Name(this BenchWorkload workload) => workload switch
    {
        BenchWorkload.W0 => "w0",
        BenchWorkload.W1 => "w1",
        BenchWorkload.W2 => "w2",
        BenchWorkload.W3 => "w3",
        BenchWorkload.W4 => "w4",
        _ => throw new ArgumentOutOfRangeException(nameof(workload), workload, null),
    };

    /// <summary><c>repair</c>, <c>splice</c>: the mechanism as the JSON file names it.</summary>
    public static string Name(this HandoverMechanism mechanism) => mechanism switch
    {
        HandoverMechanism.Repair => "repair",
        HandoverMechanism.Splice => "splice",
        _ => throw new ArgumentOutOfRangeException(nameof(mechanism), mechanism, null),
    };

    /// <summary>Parses a mode name (case-insensitive).</summary>
    public static bool TryParseMode(string text, out BenchMode mode)
    {
        foreach (var m in Enum.GetValues<BenchMode>())
        {
            if (string.Equals(m.Name(), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                mode = m;
                return true;
            }
        }

        mode = default;
        return false;
    }

    /// <summary>Parses a workload name (case-insensitive).</summary>
    public static bool TryParseWorkload(string text, out BenchWorkload workload)
    {
        foreach (var w in Enum.GetValues<BenchWorkload>())
        {
            if (string.Equals(w.Name(), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                workload = w;
                return true;
            }
        }

        workload = default;
        return false;
    }

    /// <summary>Whether <paramref name="workload"/> moves bulk bytes (MB/s is its figure of merit).</summary>
    public static bool IsTransfer(this BenchWorkload workload) => workload is BenchWorkload.W3 or BenchWorkload.W4;

    /// <summary>Whether <paramref name="workload"/> opens a new connection per request.</summary>
    public static bool IsNewConnectionPerRequest(this BenchWorkload workload) => workload != BenchWorkload.W2;
}
