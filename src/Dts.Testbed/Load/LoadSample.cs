namespace Dts.Testbed.Load;

/// <summary>
/// One request of a <see cref="NewConnectionLoad"/>: when it started and ended (since the load started), the client
/// port its connection came from (0 when the connect never got one), whether it succeeded (a 2xx answer read to
/// its end), the HTTP status (0 without one), the node that served it (<c>X-Dts-Node</c>) and what went wrong.
/// </summary>
public sealed record LoadSample(TimeSpan Start, TimeSpan End, int ClientPort, bool Ok, int Status, string? Node, string? Error);
