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

    // Routing follows membership: 40–49.
    public const int NoDestination = 40;
    public const int TargetNotMember = 41;
}
