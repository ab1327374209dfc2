namespace Dts.Bench;

/// <summary>What the client does in one benchmark row; sizes come from <see cref="BenchOptions"/>.</summary>
public enum BenchWorkload
{
    /// <summary>
    /// One connection at a time (concurrency 1 whatever <see cref="BenchOptions.RequestConcurrency"/> says), a new
    /// connection per request (<c>Connection: close</c>), 1 KiB responses: the latency one handover adds, read as time
    /// to first byte (connect to response headers) with no queueing behind other requests.
    /// </summary>
    W0,

    /// <summary>A new connection per request (<c>Connection: close</c>), 1 KiB responses: the handover rate.</summary>
    W1,

    /// <summary>Keep-alive connections, 1 KiB responses; the first request of each connection is not measured.</summary>
    W2,

    /// <summary>64 MiB downloads, a new connection each.</summary>
    W3,

    /// <summary>8 MiB uploads (<c>POST …/echo</c>), a new connection each.</summary>
    W4,
}
