namespace Dts.Core.Telemetry;

/// <summary>
/// One handover this node originated that failed (the origin kept the connection), as <c>/dts/stats</c> lists it under
/// <c>recentFailures</c> (JSON, camelCase like <see cref="DtsStats"/>).
/// </summary>
/// <param name="Time">When the origin gave up on it (UTC, the node's clock).</param>
/// <param name="Flow">The flow, <c>client-&gt;VIP:port</c> (e.g. <c>10.77.1.2:40112-&gt;10.77.0.100:80</c>).</param>
/// <param name="Target">The node id it was to go to.</param>
/// <param name="Reason">Why it failed, as the node logged it (event <c>HandoverFailed</c>).</param>
public sealed record DtsHandoverFailure(DateTimeOffset Time, string Flow, string Target, string Reason);
