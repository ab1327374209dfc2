using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Dts.AspNetCore.Tests.Packaging;

/// <summary>
/// <c>dotnet pack</c> of the solution gives an app what it needs: Dts.AspNetCore and the Dts packages it depends on, each
/// with its metadata and symbols; and an app written the way the README says, built against those packages (not the
/// projects), starts with <c>Dts:Enabled=false</c> and answers. The packages are packed from the build the tests run on
/// (<c>--no-build</c>); the app restores everything else from this machine's package cache (a fallback folder) and
/// keeps the Dts packages in a packages folder of its own, so the cache never holds a stale Dts package.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private static readonly string[] PackageIds = ["Dts.AspNetCore", "Dts.Core", "Dts.Linux"];
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);
    private const string Greeting = "hello from an app built on the Dts.AspNetCore package";

    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("dts-package-test-");

    public void Dispose() => _temp.Delete(recursive: true);

    [Fact]
    public async Task Pack_ThenBuildAnAppOnThePackage_AppAnswersWithDtsDisabled()
    {
        string feed = Path.Combine(_temp.FullName, "feed");
        (string repository, string configuration) = LocateBuild();
        await RunAsync("dotnet", repository, "pack", Path.Combine(repository, "Dts.Web.sln"), "-c", configuration, "--no-build", "-o", feed, "-nologo", "--disable-build-servers");

        string version = AssertPackages(feed);
        string app = WriteApp(feed, version);
        // No build servers: nothing this test starts outlives it (MSBuild nodes, the compiler server).
        await RunAsync("dotnet", app, "build", "-c", "Release", "-nologo", "--disable-build-servers");

        using Process process = StartApp(Path.Combine(app, "bin", "Release", "net10.0", "PackagedApp.dll"), out Task<Uri> listening);
        try
        {
            Uri address = await listening.WaitAsync(TimeSpan.FromSeconds(60));
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            using HttpResponseMessage response = await http.GetAsync(address);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(Greeting, await response.Content.ReadAsStringAsync());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Each package and its symbol package; license, readme, description and repository in every nuspec; one version.</summary>
    private static string AssertPackages(string feed)
    {
        var versions = new HashSet<string>();
        foreach (string id in PackageIds)
        {
            string nupkg = Assert.Single(Directory.GetFiles(feed, $"{id}.*.nupkg"), f => Regex.IsMatch(Path.GetFileName(f), $@"^{Regex.Escape(id)}\.\d"));
            Assert.True(File.Exists(Path.ChangeExtension(nupkg, ".snupkg")), $"{id}: no symbol package next to {nupkg}");
            using ZipArchive zip = ZipFile.OpenRead(nupkg);
            XElement metadata = XDocument.Load(zip.GetEntry($"{id}.nuspec")!.Open()).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? "";

            XElement license = metadata.Elements().Single(e => e.Name.LocalName == "license");
            Assert.Equal("expression", license.Attribute("type")?.Value);
            Assert.Equal("MIT", license.Value);
            Assert.Equal("README.md", Value("readme"));
            Assert.Contains("Dts.AspNetCore", new StreamReader(zip.GetEntry("README.md")!.Open()).ReadToEnd(), StringComparison.Ordinal);
            Assert.True(Value("description").Length > 40, $"{id}: description '{Value("description")}'");
            Assert.Equal("git", metadata.Elements().Single(e => e.Name.LocalName == "repository").Attribute("type")?.Value);
            Assert.Contains(zip.Entries, e => e.FullName == $"lib/net10.0/{id}.xml");
            versions.Add(Value("version"));
        }

        return Assert.Single(versions);
    }

    /// <summary>An app as the README shows it: AddDts/UseDts and one endpoint; restored from the packed folder and the machine's cache.</summary>
    private string WriteApp(string feed, string version)
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
            ? packages : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        // Stops MSBuild's upward search for Directory.Build.* / Directory.Packages.props outside the temp directory.
        File.WriteAllText(Path.Combine(_temp.FullName, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(_temp.FullName, "Directory.Build.targets"), "<Project />");
        new XDocument(new XElement("configuration",
            new XElement("config", new XElement("add", new XAttribute("key", "globalPackagesFolder"), new XAttribute("value", Path.Combine(_temp.FullName, "packages")))),
            new XElement("packageSources", new XElement("add", new XAttribute("key", "dts-packed"), new XAttribute("value", feed))),
            new XElement("fallbackPackageFolders", new XElement("add", new XAttribute("key", "machine-cache"), new XAttribute("value", cache)))))
            .Save(Path.Combine(_temp.FullName, "nuget.config"));

        string app = Directory.CreateDirectory(Path.Combine(_temp.FullName, "PackagedApp")).FullName;
        File.WriteAllText(Path.Combine(app, "PackagedApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Dts.AspNetCore" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), $"""
            var builder = WebApplication.CreateBuilder(args);
            builder.AddDts();
            var app = builder.Build();
            app.UseDts();
            app.MapGet("/", () => "{Greeting}");
            app.Run();
            """);
        return app;
    }

    /// <summary>Starts the app on a free loopback port with DTS off; the task completes with the address Kestrel reports.</summary>
    private static Process StartApp(string dll, out Task<Uri> listening)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { dll, "--urls", "http://127.0.0.1:0", "--Dts:Enabled=false" })
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not string line)
            {
                return;
            }

            output.Enqueue(line);
            if (Regex.Match(line, @"Now listening on: (http://\S+)") is { Success: true } m)
            {
                address.TrySetResult(new Uri(m.Groups[1].Value));
            }
        };
        process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.Exited += (_, _) => address.TrySetException(new InvalidOperationException(
            $"the app exited ({process.ExitCode}) before listening:\n{string.Join('\n', output)}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        listening = address.Task;
        return process;
    }

    /// <summary>The repository root (the directory holding Dts.Web.sln) and the configuration this test assembly was built in.</summary>
    private static (string Repository, string Configuration) LocateBuild()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        string[] parts = dir.FullName.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        string configuration = parts[Array.LastIndexOf(parts, "bin") + 1];
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dts.Web.sln")))
        {
            dir = dir.Parent;
        }

        return (dir?.FullName ?? throw new InvalidOperationException($"no Dts.Web.sln above {AppContext.BaseDirectory}"), configuration);
    }

    private static async Task RunAsync(string program, string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(psi)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {CommandTimeout.TotalMinutes:0} min:\n{await output}");
        }

        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} exited {process.ExitCode}:\n{await output}\n{await error}");
    }
}
