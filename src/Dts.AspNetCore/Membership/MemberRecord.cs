using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dts.AspNetCore.Membership;

/// <summary>
/// The value of a member key <c>{Prefix}members/{NodeId}</c> in etcd, UTF-8 JSON:
/// <c>{"state":"Joining"|"Active"|"Draining","applied":"&lt;fingerprint&gt;"|null}</c>.
/// </summary>
/// <param name="State">A <see cref="MemberState"/> name.</param>
/// <param name="Applied">The fingerprint of the last bucket table the member applied; null until it applied one (and after it rejoined).</param>
internal sealed record MemberRecord(string State, string? Applied)
{
    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, MemberRecordJsonContext.Default.MemberRecord);

    /// <summary>Reads a member value; false (and a reason) when it is not one.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out MemberState state, out string? applied, out string error)
    {
        state = default;
        applied = null;
        MemberRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(utf8, MemberRecordJsonContext.Default.MemberRecord);
        }
        catch (JsonException ex)
        {
            error = ex.Message;
            return false;
        }
        if (record is null || !Enum.TryParse(record.State, ignoreCase: false, out state) || !Enum.IsDefined(state))
        {
            error = $"state '{record?.State}' is not Joining, Active or Draining";
            return false;
        }
        applied = record.Applied;
        error = "";
        return true;
    }
}

[JsonSerializable(typeof(MemberRecord))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
internal sealed partial class MemberRecordJsonContext : JsonSerializerContext;
