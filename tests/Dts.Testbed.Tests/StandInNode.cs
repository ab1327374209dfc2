namespace Dts.Testbed.Tests;

/// <summary>
/// A stand-in node program: Debian's nginx (installed by dts.sh) answering <c>/dts/health</c> on the testbed's default
/// management port (9090) with its host name and
/// address, so node lifecycles are checked without the sample app. Its configuration lives in a temporary directory.
/// </summary>
internal sealed class StandInNode : IDisposable
{
    public const string Nginx = "/usr/sbin/nginx";

    public StandInNode()
    {
        Assert.True(File.Exists(Nginx), $"{Nginx} missing: dts.sh installs nginx-light.");
        Directory = System.IO.Directory.CreateTempSubdirectory("dts-nginx-").FullName;
        string conf = Path.Combine(Directory, "nginx.conf");
        File.WriteAllText(conf, """
            worker_processes 1;
            error_log stderr;
            events { worker_connections 64; }
            http {
              access_log off;
              server {
                listen 9090;
                location = /dts/health { return 200 "$hostname $server_addr\n"; }
              }
            }
            """);

        // $0 is the "--Dts:ConfigFile=…" the testbed appends; echo it to prove the argument and the log redirection.
        Command = ["sh", "-c", $"echo \"config $0\"; exec {Nginx} -c {conf} -g \"daemon off; pid {Directory}/$$.pid;\""];
    }

    public string Directory { get; }

    /// <summary>The node command for <see cref="TestbedOptions.NodeCommand"/>.</summary>
    public IReadOnlyList<string> Command { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
