namespace Dts.Bench;

/// <summary>
/// What the client saw in one (mode, workload) cell of one round, and the CPU the origin and target used meanwhile.
/// Thread-safe while the cell's workers record into it.
/// </summary>
internal sealed class BenchSample
{
    /// <summary>Error descriptions kept per sample (the count is always exact).</summary>
    public const int MaxDescriptions = 5;

    private readonly Lock _lock = new();
    private readonly List<double> _latenciesUs = [];
    private readonly List<double> _ttfbUs = [];
    private readonly List<string> _errorDescriptions = [];

    /// <summary>Requests completed with a verified body.</summary>
    public long Requests { get; private set; }

    /// <summary>Body bytes moved by the verified requests (received for downloads, sent for uploads).</summary>
    public long Bytes { get; private set; }

    /// <summary>Requests that failed: exception, wrong status, wrong bytes, or the wrong path through the cluster.</summary>
    public long Errors { get; private set; }

    /// <summary>
    /// Of <see cref="Errors"/>, requests that arrived intact but did not take the mode's path (e.g. a handover that
    /// fell back to the proxy): for Splice, the sign that the mechanism is not working yet.
    /// </summary>
    public long WrongPath { get; private set; }

    /// <summary>Ports skipped because the previous connection on them was still around (EADDRINUSE/EADDRNOTAVAIL).</summary>
    public long PortRetries;

    /// <summary>Latency of each verified request (request started, connect included, to last byte read and checked), µs.</summary>
    public IReadOnlyList<double> LatenciesUs => _latenciesUs;

    /// <summary>
    /// Time to first byte of each verified request (request started, connect included, to the response headers read), µs.
    /// </summary>
    public IReadOnlyList<double> TtfbUs => _ttfbUs;

    /// <summary>The first <see cref="MaxDescriptions"/> error descriptions.</summary>
    public IReadOnlyList<string> ErrorDescriptions => _errorDescriptions;

    /// <summary>From the cell's start to its last completed request.</summary>
    public TimeSpan Elapsed { get; set; }

    /// <summary>CPU seconds (user + system) of the origin's processes during the cell.</summary>
    public double OriginCpuSeconds { get; set; }

    /// <summary>CPU seconds (user + system) of the target's process during the cell.</summary>
    public double TargetCpuSeconds { get; set; }

    public void AddSuccess(double latencyUs, double ttfbUs, long bytes)
    {
        lock (_lock)
        {
            Requests++;
            Bytes += bytes;
            _latenciesUs.Add(latencyUs);
            _ttfbUs.Add(ttfbUs);
        }
    }

    public void AddError(string description, bool wrongPath = false)
    {
        lock (_lock)
        {
            Errors++;
            WrongPath += wrongPath ? 1 : 0;
            if (_errorDescriptions.Count < MaxDescriptions)
            {
                _errorDescriptions.Add(description);
            }
        }
    }
}
