using System.Net;

namespace Dts.Testbed.Tests;

/// <summary>
/// Node lifecycle with a stand-in node program: Debian's nginx (installed by dts.sh) answering
/// <c>/dts/health</c> with its node id, so readiness, stop, start and kill are checked without the sample app.
/// </summary>
public sealed class TestbedNodeProcessTests
{
    private const string Nginx = "/usr/sbin/nginx";

    [RootFact]
    public async Task StartStopKillNode_StandInNode_FollowsReadinessAndProcessState()
    {
        Assert.True(File.Exists(Nginx), $"{Nginx} missing: dts.sh installs nginx-light.");
        string dir = Directory.CreateTempSubdirectory("dts-nginx-").FullName;
        try
        {
            string conf = Path.Combine(dir, "nginx.conf");
            File.WriteAllText(conf, """
                worker_processes 1;
                error_log stderr;
                events { worker_connections 64; }
                http {
                  access_log off;
                  server {
                    listen 80;
                    location = /dts/health { return 200 "$hostname $server_addr\n"; }
                  }
                }
                """);

            // $0 is the "--Dts:ConfigFile=…" the testbed appends; echo it to prove the argument and the log redirection.
            await using var tb = await Testbed.UpAsync(new TestbedOptions
            {
                NodeCount = 2,
                NodeCommand = ["sh", "-c", $"echo \"config $0\"; exec {Nginx} -c {conf} -g \"daemon off; pid {dir}/$$.pid;\""],
                NodeWorkingDirectory = dir,
            });
            using var http = tb.CreateClientHttpClient(TimeSpan.FromSeconds(5));

            Assert.True(tb.IsNodeRunning(1) && tb.IsNodeRunning(2));
            Assert.Contains($"config --Dts:ConfigFile={tb.NodeConfigPath(2)}", File.ReadAllText(tb.NodeLogPath(2)), StringComparison.Ordinal);
            Assert.EndsWith(tb.NodeAddress(2).ToString(), (await http.GetStringAsync($"http://{tb.NodeAddress(2)}/dts/health")).Trim(), StringComparison.Ordinal);

            await tb.StopNodeAsync(2);
            Assert.False(tb.IsNodeRunning(2));
            await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync($"http://{tb.NodeAddress(2)}/dts/health"));

            await tb.StartNodeAsync(2);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://{tb.NodeAddress(2)}/dts/health")).StatusCode);

            int pid = tb.NodeProcessId(1)!.Value;
            await tb.KillNodeAsync(1);
            Assert.False(tb.IsNodeRunning(1));
            Assert.False(Directory.Exists($"/proc/{pid}"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
