using System.Globalization;

namespace Dts.Bench;

public sealed partial class BenchRunner
{
    /// <summary>
    /// Each mode once, unmeasured: JIT in the nodes and the client, YARP's and nginx's upstream connections, the
    /// control channel's TLS session. A Splice mode that does not hand over here is marked missing at once.
    /// </summary>
    private async Task WarmupAsync(Dictionary<BenchMode, BenchEndpoint> endpoints, BenchPayloads payloads, CancellationToken cancellationToken)
    {
        Section(string.Create(CultureInfo.InvariantCulture, $"warm-up: every mode, w1 and w2 for {_options.WarmupDuration.TotalSeconds:0.#} s, one request of w0 (all of w1's time without w1), one transfer each of w3/w4 (not measured)"));
        foreach (var (mode, endpoint) in endpoints)
        {
            var problems = new List<string>();
            long errors = 0, wrongPath = 0, requests = 0;
            foreach (var workload in _options.Workloads)
            {
                bool once = workload.IsTransfer() || (workload == BenchWorkload.W0 && _options.Workloads.Contains(BenchWorkload.W1));
                var duration = once ? TimeSpan.Zero : _options.WarmupDuration;
                var s = await BenchLoadClient.RunCellAsync(endpoint, workload, _options, payloads, duration, cancellationToken).ConfigureAwait(false);
                errors += s.Errors;
                wrongPath += s.WrongPath;
                requests += s.Requests;
                problems.AddRange(s.ErrorDescriptions.Select(e => $"{workload.Name()} {e}"));
            }

            _out.WriteLine($"  {mode.Name(),-7} {requests,6} requests ok, {errors} errors{(problems.Count > 0 ? ": " + problems[0] : "")}");
            if (errors > 0)
            {
                Fail(mode, $"warm-up: {errors} errors ({wrongPath} took the wrong path), first: {problems.FirstOrDefault()}", errors, problems);
            }
        }
    }

    /// <summary>The measured rounds: per round, per workload, every mode once, the mode order rotated each round.</summary>
    private async Task RoundsAsync(Dictionary<BenchMode, BenchEndpoint> endpoints, BenchPayloads payloads, CancellationToken cancellationToken)
    {
        var modes = _options.Modes.Where(endpoints.ContainsKey).ToList();
        for (int round = 0; round < _options.Rounds; round++)
        {
            var order = modes.Skip(round % modes.Count).Concat(modes.Take(round % modes.Count)).ToList();
            Section($"round {round + 1}/{_options.Rounds}: {string.Join(' ', order.Select(m => m.Name()))}");
            _out.WriteLine($"  {"",-3} {"mode",-7} {"requests",8} {"rps",8} {"p50 µs",8} {"p99 µs",9} {"ttfb p50",9} {"MB/s",8} {"origin cpu s",13} {"target cpu s",13} {"cpu µs/req",11} {"errors",7}");
            foreach (var workload in _options.Workloads)
            {
                foreach (var mode in order)
                {
                    if (_missing.ContainsKey(mode))
                    {
                        continue;
                    }

                    var s = await BenchLoadClient.RunCellAsync(endpoints[mode], workload, _options, payloads, _options.CellDuration, cancellationToken).ConfigureAwait(false);
                    Record(mode, workload, s);
                    var row = BenchResult.Aggregate(mode, workload, [s]);
                    _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {workload.Name(),-3} {mode.Name(),-7} {row.Requests,8} {row.Rps,8:0} {row.P50Us,8:0} {row.P99Us,9:0} {row.TtfbP50Us,9:0} {row.Mbps,8:0.0} {row.OriginCpuSeconds,13:0.00} {row.TargetCpuSeconds,13:0.00} {row.CpuUsPerRequest,11:0} {row.Errors,7}")
                        + (s.ErrorDescriptions.Count > 0 ? "  first: " + s.ErrorDescriptions[0] : ""));
                }
            }
        }
    }

    private void Record(BenchMode mode, BenchWorkload workload, BenchSample sample)
    {
        if (!_samples.TryGetValue((mode, workload), out var list))
        {
            _samples[(mode, workload)] = list = [];
        }

        list.Add(sample);
        if (sample.Errors > 0)
        {
            Fail(mode, $"{workload.Name()}: {sample.Errors} errors ({sample.WrongPath} took the wrong path), first: {sample.ErrorDescriptions[0]}", sample.Errors, [.. sample.ErrorDescriptions.Select(e => $"{workload.Name()} {e}")]);
        }
    }

    /// <summary>
    /// Counts errors: Splice's apart, and its first failure marks the mode missing (its rows are dropped from the
    /// results, the rest of the run goes on); any other mode's error fails the run.
    /// </summary>
    private void Fail(BenchMode mode, string summary, long count, List<string> descriptions)
    {
        foreach (string d in descriptions.Take(3))
        {
            AddError(mode, d);
        }

        long uncounted = count - Math.Min(3, descriptions.Count);
        if (mode == BenchMode.Splice)
        {
            _spliceErrors += uncounted;
            _missing.TryAdd(mode, summary);
            _out.WriteLine($"  splice: marked missing ({summary}); not measured further");
        }
        else
        {
            _errors += uncounted;
        }
    }

    /// <summary>One row per (workload, mode) in the options' order; Splice rows carry the reason when missing.</summary>
    private List<BenchResult> Results()
    {
        var rows = new List<BenchResult>();
        foreach (var workload in _options.Workloads)
        {
            foreach (var mode in _options.Modes)
            {
                bool measured = _samples.TryGetValue((mode, workload), out var list);
                if (_missing.TryGetValue(mode, out string? why) && mode == BenchMode.Splice)
                {
                    var partial = measured ? BenchResult.Aggregate(mode, workload, list!) : new BenchResult(mode, workload, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
                    rows.Add(partial with { Missing = why });
                }
                else if (measured)
                {
                    rows.Add(BenchResult.Aggregate(mode, workload, list!));
                }
            }
        }

        return rows;
    }

    private void Section(string title)
    {
        _out.WriteLine();
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,5:0.0} s] {title}"));
    }
}
