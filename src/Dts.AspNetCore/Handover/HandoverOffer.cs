using Dts.Core.Handover;
using Dts.Core.Tcp;

namespace Dts.AspNetCore.Handover;

/// <summary>
/// One handover as the origin offers it to the target (ARCHITECTURE §3, "Handover" step 2): the domain's
/// form of the control channel's <c>HandoverRequest</c>, which only <c>Control/</c> maps to and from protobuf.
/// </summary>
/// <param name="HandoverId">Unique per handover (32 hex digits); the target applies an id at most once.</param>
/// <param name="OriginNode">The node that accepted the connection (its <c>Dts:NodeId</c>).</param>
/// <param name="Mechanism">The origin's <c>Dts:Mechanism</c>; a target running another one refuses.</param>
/// <param name="Flow">The connection's 4-tuple, client and VIP endpoints.</param>
/// <param name="State">What the origin captured of the connection.</param>
/// <param name="SentAt">
/// The origin's clock (UTC) when it sent the offer, or null when it did not say. The target commits no later than
/// half the handover timeout after it, whenever the offer reaches it (a target that stalled must not commit a flow
/// the origin has already taken back); cluster clocks are assumed to agree within well under that half.
/// </param>
/// <param name="TraceParent">W3C Trace Context <c>traceparent</c> of the origin's handover span (the target's span is its child), or null when the origin recorded none.</param>
/// <param name="TraceState">W3C Trace Context <c>tracestate</c> of that span, or null.</param>
internal sealed record HandoverOffer(
    string HandoverId, string OriginNode, HandoverMechanism Mechanism, FlowKey Flow, HandoverState State, DateTimeOffset? SentAt = null,
    string? TraceParent = null, string? TraceState = null);
