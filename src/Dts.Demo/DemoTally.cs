namespace Dts.Demo;

/// <summary>
/// What the demo's clients saw, counted as they go: requests made, errors (with a description of the first ones)
/// and whether every transferred byte arrived intact. Single-threaded: the demo's phases run one after another.
/// </summary>
internal sealed class DemoTally
{
    private const int MaxDescribedErrors = 12;
    private readonly List<string> _errorDescriptions = [];

    /// <summary>HTTP requests the demo's clients completed or attempted (wrk's completed requests, every curl).</summary>
    public long Requests { get; private set; }

    /// <summary>Failed requests, non-2xx answers, socket errors, hash mismatches, crashed nodes, demo failures.</summary>
    public long Errors { get; private set; }

    /// <summary>Downloads and uploads made.</summary>
    public int Transfers { get; private set; }

    /// <summary>Downloads and uploads whose hash and length matched.</summary>
    public int TransfersIntact { get; private set; }

    /// <summary>The first errors, described.</summary>
    public IReadOnlyList<string> ErrorDescriptions => _errorDescriptions;

    /// <summary>Every transfer made matched (and at least one was made).</summary>
    public bool BytesOk => Transfers > 0 && TransfersIntact == Transfers;

    public void AddRequests(long count) => Requests += count;

    public void AddErrors(long count, string description)
    {
        if (count <= 0)
        {
            return;
        }

        Errors += count;
        if (_errorDescriptions.Count < MaxDescribedErrors)
        {
            _errorDescriptions.Add(count == 1 ? description : $"{description} (×{count})");
        }
    }

    public void AddTransfer(bool intact)
    {
        Transfers++;
        if (intact)
        {
            TransfersIntact++;
        }
    }
}
