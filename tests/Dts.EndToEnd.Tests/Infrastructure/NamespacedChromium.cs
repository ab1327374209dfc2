using Microsoft.Playwright;

namespace Dts.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, installed by dts.sh), headless, driven by Playwright for .NET and
/// running inside one of a testbed's namespaces, so the pages it opens are reached the way a client there reaches
/// them. Playwright launches the executable it is given: a wrapper script that enters the namespace
/// (<c>ip netns exec</c>, which then execs Chromium: its pid is the browser's) and passes every argument on.
/// Playwright's driver is the Node.js bundle of the Microsoft.Playwright package; nothing is downloaded at run time
/// (no <c>playwright install</c>: the browser is the system's). Dispose stops the browser and the driver and
/// removes the wrapper.
/// </summary>
internal sealed class NamespacedChromium : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly string _wrapper;

    private NamespacedChromium(IPlaywright playwright, IBrowser browser, string wrapper)
    {
        _playwright = playwright;
        Browser = browser;
        _wrapper = wrapper;
    }

    public IBrowser Browser { get; }

    /// <summary>Launches Chromium in <paramref name="t"/>'s namespace <paramref name="namespaceName"/>.</summary>
    /// <exception cref="InvalidOperationException"><see cref="Executable"/> is missing (dts.sh installs the <c>chromium</c> package).</exception>
    /// <exception cref="PlaywrightException">The browser did not start within 60 s.</exception>
    public static async Task<NamespacedChromium> LaunchAsync(Testbed.Testbed t, string namespaceName)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing: install Debian's chromium package (./dts.sh installs it).");
        }
        if (!t.Namespaces.Contains(namespaceName, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{namespaceName}' is not a namespace of testbed {t.RunId}.", nameof(namespaceName));
        }
        var wrapper = Path.Combine(Path.GetTempPath(), $"dts-chromium-{t.RunId}-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nexec ip netns exec '{namespaceName}' {Executable} \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        IPlaywright? playwright = null;
        try
        {
            playwright = await Playwright.CreateAsync();
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = wrapper,
                Headless = true,
                // Root: Chromium's sandbox needs an unprivileged user.
                ChromiumSandbox = false,
                Args = ["--no-sandbox"],
                Timeout = 60_000,
            });
            return new NamespacedChromium(playwright, browser, wrapper);
        }
        catch
        {
            playwright?.Dispose();
            File.Delete(wrapper);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Closes every page and waits for the browser process to exit (Playwright kills it if it does not).
            await Browser.CloseAsync();
            await Browser.DisposeAsync();
        }
        finally
        {
            _playwright.Dispose();
            File.Delete(_wrapper);
        }
    }
}
