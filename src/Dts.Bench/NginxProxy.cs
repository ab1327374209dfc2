using System.Globalization;
using System.Net;
using System.Reflection;
using Dts.Testbed;
using Dts.Testbed.Processes;
using DtsTestbed = Dts.Testbed.Testbed;

namespace Dts.Bench;

/// <summary>
/// Debian's nginx (package nginx-light, installed by <c>dts.sh</c>) running in a node's namespace as the external
/// reverse proxy of the <see cref="BenchMode.Nginx"/> mode, with the configuration committed as
/// <c>src/Dts.Bench/nginx.conf</c> (embedded in this assembly). Its pid file, error log and temp directories live in
/// <c>&lt;run directory&gt;/nginx</c>; <see cref="DisposeAsync"/> stops it (and the testbed's teardown kills whatever
/// is left in its namespaces anyway).
/// </summary>
internal sealed class NginxProxy : IAsyncDisposable
{
    /// <summary>Where Debian installs the binary.</summary>
    public const string Binary = "/usr/sbin/nginx";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly string _namespace;
    private readonly string _prefix;

    private NginxProxy(string namespaceName, string prefix, IReadOnlyList<int> pids)
    {
        _namespace = namespaceName;
        _prefix = prefix;
        ProcessIds = pids;
    }

    /// <summary>nginx's master and worker processes.</summary>
    public IReadOnlyList<int> ProcessIds { get; }

    /// <summary>The configuration template as committed.</summary>
    public static string Template()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Dts.Bench.nginx.conf")
            ?? throw new InvalidOperationException("The embedded nginx.conf is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The configuration for one run.</summary>
    public static string Render(string prefix, IPEndPoint listen, IPEndPoint upstream) => Template()
        .Replace("{{PREFIX}}", prefix, StringComparison.Ordinal)
        .Replace("{{LISTEN}}", listen.ToString(), StringComparison.Ordinal)
        .Replace("{{UPSTREAM}}", upstream.ToString(), StringComparison.Ordinal);

    /// <summary>Starts nginx in node <paramref name="node"/>'s namespace and waits for its pid file.</summary>
    /// <exception cref="FileNotFoundException">nginx is not installed.</exception>
    /// <exception cref="TestbedCommandException">nginx refused to start (its stderr in the message).</exception>
    public static async Task<NginxProxy> StartAsync(DtsTestbed testbed, int node, IPEndPoint listen, IPEndPoint upstream, CancellationToken cancellationToken)
    {
        if (!File.Exists(Binary))
        {
            throw new FileNotFoundException("nginx is not installed (apt-get install nginx-light; dts.sh does).", Binary);
        }

        string prefix = Path.Combine(testbed.RunDirectory, "nginx");
        Directory.CreateDirectory(prefix);
        string config = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(config, Render(prefix, listen, upstream), cancellationToken).ConfigureAwait(false);
        string ns = testbed.NodeNamespace(node);
        // nginx daemonizes: the command returns once the master runs and has written its pid file.
        (await testbed.RunInNamespaceAsync(ns, Binary, ["-e", Path.Combine(prefix, "error.log"), "-p", prefix + "/", "-c", config], StartTimeout, cancellationToken).ConfigureAwait(false)).EnsureSuccess();
        int master = await ReadPidAsync(Path.Combine(prefix, "nginx.pid"), cancellationToken).ConfigureAwait(false);
        int? nodePid = testbed.NodeProcessId(node);
        // The workers are forked right after the pid file is written; give them a moment to appear.
        await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        // Only nginx's own: the node namespace also holds the node and its etcd member.
        var pids = (await testbed.ProcessIdsInNamespaceAsync(ns, cancellationToken).ConfigureAwait(false)).Where(p => p != nodePid && IsNginx(p)).ToList();
        if (!pids.Contains(master))
        {
            pids.Add(master);
        }

        return new NginxProxy(ns, prefix, pids);
    }

    /// <summary>Stops every nginx process (SIGTERM: fast shutdown, then SIGKILL after 3 s).</summary>
    public async ValueTask DisposeAsync()
    {
        await Signals.TerminateAsync(ProcessIds.Where(Signals.IsAlive).ToList(), TimeSpan.FromSeconds(3), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>What this instance runs in, for messages.</summary>
    public override string ToString() => $"nginx in {_namespace} (prefix {_prefix}, pids {string.Join(' ', ProcessIds)})";

    private static bool IsNginx(int pid)
    {
        try
        {
            return File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/comm")).Trim() == "nginx";
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task<int> ReadPidAsync(string path, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (File.Exists(path) && int.TryParse((await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                return pid;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"nginx wrote no pid file {path} within {StartTimeout.TotalSeconds:0} s.");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }
}
