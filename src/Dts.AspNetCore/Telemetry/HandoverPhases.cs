using System.Runtime.CompilerServices;

namespace Dts.AspNetCore.Telemetry;

/// <summary>
/// The named phases of one handover on one node, in the order they ran, each a duration: what <c>/dts/stats</c>
/// reports per phase (<c>phases</c>) and what the phase coverage (<c>phaseCoverage</c>: the phases' sum over the
/// handover's wall time on that node) is computed from. A value type with inline storage for
/// <see cref="Capacity"/> phases: filling it allocates nothing. The names and what each
/// measures: <see cref="Dts.Core.Telemetry.DtsPhaseNames"/>.
/// </summary>
internal struct HandoverPhases
{
    /// <summary>The most phases one list holds; <see cref="Add"/> drops any beyond (never throws on the data path).</summary>
    public const int Capacity = 12;

    private Names _names;
    private Durations _durations;
    private int _count;

    /// <summary>Phases added so far.</summary>
    public readonly int Count => _count;

    /// <summary>The <paramref name="index"/>th phase, in the order added.</summary>
    public readonly (string Name, TimeSpan Duration) this[int index] =>
        (uint)index < (uint)_count ? (_names[index], _durations[index]) : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Appends a phase; ignored when the list is full.</summary>
    public void Add(string name, TimeSpan duration)
    {
        if (_count < Capacity)
        {
            _names[_count] = name;
            _durations[_count] = duration;
            _count++;
        }
    }

    /// <summary>Ends the phase that began at <paramref name="mark"/> (a <paramref name="time"/> timestamp) now, as <paramref name="name"/>, and moves the mark to now.</summary>
    public void Lap(string name, ref long mark, TimeProvider time)
    {
        var now = time.GetTimestamp();
        Add(name, time.GetElapsedTime(mark, now));
        mark = now;
    }

    /// <summary>Appends every phase of <paramref name="other"/>.</summary>
    public void AddRange(in HandoverPhases other)
    {
        for (var i = 0; i < other._count; i++)
        {
            Add(other._names[i], other._durations[i]);
        }
    }

    /// <summary>The sum of every phase's duration.</summary>
    public readonly TimeSpan Sum
    {
        get
        {
            var sum = TimeSpan.Zero;
            for (var i = 0; i < _count; i++)
            {
                sum += _durations[i];
            }
            return sum;
        }
    }

    [InlineArray(Capacity)]
    private struct Names
    {
        private string _element0;
    }

    [InlineArray(Capacity)]
    private struct Durations
    {
        private TimeSpan _element0;
    }
}
