using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Dts.AspNetCore.Tests.Membership;

/// <summary>
/// A real single-member etcd (<c>/usr/bin/etcd</c>, Debian's <c>etcd-server</c>, which <c>dts.sh</c> installs) on
/// 127.0.0.1 with free ports and its own temporary data directory; <see cref="Kill"/> (SIGKILL) and
/// <see cref="StartAsync()"/> again on the same data simulate an outage. Disposing kills it and removes the data.
/// </summary>
internal sealed class EtcdServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/etcd";

    private readonly string _dataDir = Directory.CreateTempSubdirectory("dts-etcd-").FullName;
    private readonly int _peerPort;
    private readonly Queue<string> _log = new();
    private Process? _process;

    private EtcdServer()
    {
        (ClientPort, _peerPort) = FreePorts();
    }

    public int ClientPort { get; }

    public string Endpoint => $"http://127.0.0.1:{ClientPort}";

    public static async Task<EtcdServer> StartNewAsync()
    {
        var server = new EtcdServer();
        await server.StartAsync();
        return server;
    }

    /// <summary>Starts etcd (again, on the same data) and waits until it answers /health.</summary>
    public async Task StartAsync()
    {
        var peer = $"http://127.0.0.1:{_peerPort}";
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            ArgumentList =
            {
                "--name", "t", "--data-dir", _dataDir,
                "--listen-client-urls", Endpoint, "--advertise-client-urls", Endpoint,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "t=" + peer, "--initial-cluster-state", "new",
                "--logger", "zap", "--log-level", "warn",
            },
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("etcd did not start");
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < until)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"etcd exited with {process.ExitCode}: {Log()}");
            }
            try
            {
                if ((await http.GetStringAsync(Endpoint + "/health")).Contains("\"health\":\"true\"", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("etcd did not become healthy within 30 s: " + Log());
    }

    /// <summary>SIGKILL: the store is gone at once (connections reset), its data stays for a restart.</summary>
    public void Kill()
    {
        if (_process is { } p)
        {
            _process = null;
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            p.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Task.Yield();
        Directory.Delete(_dataDir, recursive: true);
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.Enqueue(line);
            if (_log.Count > 40)
            {
                _log.Dequeue();
            }
        }
    }

    private string Log()
    {
        lock (_log)
        {
            return string.Join('\n', _log);
        }
    }

    private static (int Client, int Peer) FreePorts()
    {
        var a = new TcpListener(IPAddress.Loopback, 0);
        var b = new TcpListener(IPAddress.Loopback, 0);
        a.Start();
        b.Start();
        try
        {
            return (((IPEndPoint)a.LocalEndpoint).Port, ((IPEndPoint)b.LocalEndpoint).Port);
        }
        finally
        {
            a.Stop();
            b.Stop();
        }
    }
}

/// <summary>One etcd for a test class (<see cref="IClassFixture{T}"/>); tests use their own key prefix.</summary>
public sealed class EtcdFixture : IAsyncLifetime
{
    internal EtcdServer? Server { get; private set; }

    public async Task InitializeAsync()
    {
        if (File.Exists(EtcdServer.Binary))
        {
            Server = await EtcdServer.StartNewAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}

/// <summary>A fact that needs a real etcd: skipped, with the reason, when <c>/usr/bin/etcd</c> is absent (CI installs it).</summary>
public sealed class EtcdFactAttribute : FactAttribute
{
    public EtcdFactAttribute()
    {
        if (!File.Exists(EtcdServer.Binary))
        {
            Skip = $"Needs etcd at {EtcdServer.Binary} (Debian's etcd-server; ./dts.sh installs it).";
        }
    }
}
