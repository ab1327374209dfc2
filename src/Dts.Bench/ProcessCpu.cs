using System.Globalization;

namespace Dts.Bench;

/// <summary>
/// CPU time a process used so far, from <c>/proc/&lt;pid&gt;/stat</c>: <c>utime</c> + <c>stime</c> (fields 14 and 15,
/// every thread of the process), in clock ticks of <see cref="TicksPerSecond"/> (<c>sysconf(_SC_CLK_TCK)</c>, 100
/// on Linux for every architecture the kernel exports to user space). Resolution: one tick, 10 ms, per process and
/// reading — a difference of two readings is off by less than 10 ms, which is why per-request figures
/// (<see cref="BenchResult.CpuUsPerRequest"/>) are summed over every round before dividing.
/// </summary>
internal static class ProcessCpu
{
    /// <summary><c>USER_HZ</c>: clock ticks per second of the <c>/proc</c> CPU fields.</summary>
    public const double TicksPerSecond = 100;

    /// <summary>utime + stime of <paramref name="pid"/> in seconds; 0 when the process is gone.</summary>
    public static double Seconds(int pid)
    {
        try
        {
            return ParseStat(File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat")));
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The sum of <see cref="Seconds(int)"/> over <paramref name="pids"/>.</summary>
    public static double Seconds(IEnumerable<int> pids) => pids.Sum(Seconds);

    /// <summary>utime + stime in seconds from the text of a <c>/proc/&lt;pid&gt;/stat</c> file.</summary>
    /// <exception cref="FormatException">The text is not a stat line.</exception>
    public static double ParseStat(string stat)
    {
        // "pid (comm) state ppid …": comm may hold spaces and parentheses, so count fields after the last ')'.
        int close = stat.LastIndexOf(')');
        if (close < 0)
        {
            throw new FormatException("no ')' in a /proc stat line");
        }

        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state); utime is field 14 → fields[11], stime field 15 → fields[12].
        if (fields.Length < 13
            || !long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out long utime)
            || !long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out long stime))
        {
            throw new FormatException("utime/stime missing in a /proc stat line");
        }

        return (utime + stime) / TicksPerSecond;
    }
}
