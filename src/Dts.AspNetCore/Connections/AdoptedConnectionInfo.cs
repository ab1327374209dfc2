namespace Dts.AspNetCore.Connections;

/// <summary>Travels on an adopted connection's features until the DTS connection middleware reads it.</summary>
internal sealed record AdoptedConnectionInfo(string OriginNodeId, string HandoverId);
