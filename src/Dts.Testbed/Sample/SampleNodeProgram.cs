namespace Dts.Testbed.Sample;

/// <summary>
/// Where the sample web app every node runs is expected after a Release build of the repository
/// (<c>samples/Dts.Sample.Web/bin/Release/net10.0/Dts.Sample.Web.dll</c>), and the command that starts it.
/// </summary>
/// <param name="RepositoryRoot">The directory holding <c>Dts.Web.sln</c>.</param>
/// <param name="DllPath">The sample's entry assembly.</param>
public sealed record SampleNodeProgram(string RepositoryRoot, string DllPath)
{
    private const string SolutionFile = "Dts.Web.sln";

    /// <summary>Whether the sample has been built.</summary>
    public bool Exists => File.Exists(DllPath);

    /// <summary>The node command: the running <c>dotnet</c> host (or <c>dotnet</c> from PATH) and the sample's dll.</summary>
    public IReadOnlyList<string> Command => [DotnetHost(), DllPath];

    /// <summary>The sample's output directory: its content root, where its <c>appsettings.json</c> lives.</summary>
    public string WorkingDirectory => Path.GetDirectoryName(DllPath)!;

    /// <summary>
    /// Finds the repository root by walking up from <paramref name="startDirectory"/> (default: this assembly's
    /// directory, then the current directory) to the first directory holding <c>Dts.Web.sln</c>.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No repository root above the start directories.</exception>
    public static SampleNodeProgram Locate(string? startDirectory = null)
    {
        string[] starts = startDirectory is not null ? [startDirectory] : [AppContext.BaseDirectory, Environment.CurrentDirectory];
        foreach (string start in starts)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                {
                    return new SampleNodeProgram(
                        dir.FullName,
                        Path.Combine(dir.FullName, "samples", "Dts.Sample.Web", "bin", "Release", "net10.0", "Dts.Sample.Web.dll"));
                }
            }
        }

        throw new DirectoryNotFoundException($"No {SolutionFile} above {string.Join(" or ", starts)}.");
    }

    private static string DotnetHost()
    {
        string? host = Environment.ProcessPath;
        return host is not null && Path.GetFileName(host) == "dotnet" ? host : "dotnet";
    }
}
