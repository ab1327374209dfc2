using System.Text.Json;

namespace Dts.Testbed.Registry;

/// <summary>
/// One JSON file per run in <c>/run/dts-testbed</c> (tmpfs, like <c>/run/netns</c>, so both vanish together at
/// reboot). Written before the first namespace exists and removed after the last one is gone.
/// </summary>
internal static class TestbedRegistry
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static string Directory => "/run/dts-testbed";

    public static void Write(TestbedRecord record)
    {
        System.IO.Directory.CreateDirectory(Directory);
        string path = PathOf(record.RunId);
        string temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(record, JsonOptions));
        File.Move(temp, path, overwrite: true);
    }

    public static TestbedRecord? TryRead(string runId)
    {
        try
        {
            return JsonSerializer.Deserialize<TestbedRecord>(File.ReadAllText(PathOf(runId)), JsonOptions);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static IReadOnlyList<string> RunIds() =>
        System.IO.Directory.Exists(Directory)
            ? [.. System.IO.Directory.EnumerateFiles(Directory, "*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>()]
            : [];

    public static void Delete(string runId) => File.Delete(PathOf(runId));

    private static string PathOf(string runId) => Path.Combine(Directory, runId + ".json");
}
