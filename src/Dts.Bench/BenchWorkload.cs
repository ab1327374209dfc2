namespace Dts.Bench;

/// <summary>What the client does in one benchmark row; sizes come from <see cref="BenchOptions"/>.</summary>
public enum BenchWorkload
{
    /// <summary>A new connection per request (<c>Connection: close</c>), 1 KiB responses: the handover rate.</summary>
    W1,

    /// <summary>Keep-alive connections, 1 KiB responses; the first request of each connection is not measured.</summary>
    W2,

    /// <summary>64 MiB downloads, a new connection each.</summary>
    W3,

    /// <summary>8 MiB uploads (<c>POST …/echo</c>), a new connection each.</summary>
    W4,
}
