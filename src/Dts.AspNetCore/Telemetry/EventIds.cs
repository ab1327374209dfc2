namespace Dts.AspNetCore.Telemetry;

/// <summary>The one registry of this assembly's log event ids.</summary>
internal static class EventIds
{
    public const int HandedOver = 1;
    public const int HandoverFailed = 2;
    public const int Adopted = 3;
    public const int Refused = 4;
    public const int AnswerLost = 5;
    public const int FallbackError = 6;
    public const int Dispatched = 7;
    public const int SpliceSwept = 8;
    public const int SpliceRefused = 9;

    // Membership in etcd (EtcdMembership), 30–39.
    public const int MembershipStoreUnreachable = 30;
    public const int MembershipStoreReachable = 31;
    public const int MembershipFenced = 32;
    public const int MembershipUnfenced = 33;
    public const int MembershipFenceWaived = 34;
    public const int MembershipViewChanged = 35;
    public const int MembershipIgnoredKey = 36;
    public const int MembershipRevokeFailed = 37;

    // Routing follows membership: 40–49.
    public const int NoDestination = 40;
    public const int TargetNotMember = 41;
}
