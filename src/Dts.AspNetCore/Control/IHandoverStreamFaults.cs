namespace Dts.AspNetCore.Control;

/// <summary>
/// Test hook (internal, registered by tests only): breaks a <c>HandOverStream</c> at the two points where a lost
/// answer matters to at-most-once delivery. When it answers true, <see cref="ControlService"/> aborts the stream
/// there, as a connection that dies at that moment would.
/// </summary>
internal interface IHandoverStreamFaults
{
    /// <summary>True: abort the stream after reading <paramref name="request"/>, before it is applied.</summary>
    bool AbortBeforeApply(HandoverRequest request);

    /// <summary>True: abort the stream after the handover <paramref name="handoverId"/> was applied, before its reply is written.</summary>
    bool AbortBeforeReply(string handoverId);
}
