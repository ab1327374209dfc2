using System.Net;
using Dts.Core.Handover;

namespace Dts.Testbed.Tests;

public sealed class TestbedLayoutTests
{
    [Fact]
    public void Addresses_Defaults_MatchTheDesign()
    {
        var layout = new TestbedLayout(new TestbedOptions { RunId = "42-beef" });

        Assert.Equal("dts-42-beef-n3", layout.NodeNamespace(3));
        Assert.Equal(IPAddress.Parse("198.18.0.11"), layout.NodeAddress(1));
        Assert.Equal(IPAddress.Parse("198.18.0.13"), layout.NodeAddress(3));
        Assert.Equal(IPAddress.Parse("198.18.0.1"), layout.RouterNodeSideAddress);
        Assert.Equal(IPAddress.Parse("198.19.0.1"), layout.RouterClientSideAddress);
        Assert.Equal(IPAddress.Parse("198.19.0.2"), layout.ClientAddress);
        Assert.Equal("/tmp/dts-testbed/42-beef", layout.RunDirectory);
        Assert.Equal("dts-42-beef-sw", layout.AllNamespaces[^1]);
        Assert.Equal("01:00:5e:12:00:64", layout.VipMulticastMac);
    }

    [Fact]
    public void RunId_Default_IsPidDashFourHexAndUnique()
    {
        string a = new TestbedLayout(new TestbedOptions()).RunId;
        string b = new TestbedLayout(new TestbedOptions()).RunId;

        Assert.Matches($"^{Environment.ProcessId}-[0-9a-f]{{4}}$", a);
        Assert.Equal(Environment.ProcessId, TestbedLayout.PidFromRunId(a));
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData("dts-123-ab12-n1", true, "123-ab12", "n1")]
    [InlineData("dts-my-run-sw", true, "my-run", "sw")]
    [InlineData("dts-x", false, "", "")]
    [InlineData("other-123-ab12-n1", false, "", "")]
    public void TryParseNamespace_Names_SplitsRunIdAndRole(string name, bool ok, string runId, string role)
    {
        Assert.Equal(ok, TestbedLayout.TryParseNamespace(name, out string r, out string ro));
        Assert.Equal(runId, r);
        Assert.Equal(role, ro);
    }

    [Theory]
    [InlineData("4242-beef", 4242)]
    [InlineData("lt-4242-1a2b3", 4242)]
    [InlineData("my-run", null)]
    public void PidFromRunId_Segments_TakesFirstNumericOne(string runId, int? pid)
    {
        Assert.Equal(pid, TestbedLayout.PidFromRunId(runId));
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsAllAtOnce()
    {
        var layout = new TestbedLayout(new TestbedOptions
        {
            RunId = "Bad_Id",
            NodeCount = 0,
            Mechanism = (HandoverMechanism)99,
            ControlPort = 80,
        });

        var errors = layout.Validate();

        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.Contains("RunId", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("NodeCount", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Mechanism", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("ControlPort", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_VipOnANodeAddress_IsRejected()
    {
        var layout = new TestbedLayout(new TestbedOptions { Vip = IPAddress.Parse("198.18.0.12") });

        Assert.Contains(layout.Validate(), e => e.Contains("collides", StringComparison.Ordinal));
    }

    [Fact]
    public void EtcdDataRoot_RunDirectoryOnRun_InsideIt_ElseUnderTheRegistry()
    {
        Assert.Equal("/run/dts-x/etcd", TestbedLayout.EtcdDataRootOf("42-beef", "/run/dts-x"));
        Assert.Equal("/run/dts-testbed/42-beef", TestbedLayout.EtcdDataRootOf("42-beef", "/tmp/dts-testbed/42-beef"));
        Assert.Equal("/run/dts-testbed/42-beef", TestbedLayout.EtcdDataRootOf("42-beef", "/runaway/42-beef"));
    }

    [Fact]
    public void EtcdCluster_Defaults_OneMemberPerNodeWithAUniqueToken()
    {
        var a = new TestbedLayout(new TestbedOptions { RunId = "42-beef" });
        var b = new TestbedLayout(new TestbedOptions { RunId = "42-beef" });

        Assert.Equal("n1=http://198.18.0.11:2380,n2=http://198.18.0.12:2380,n3=http://198.18.0.13:2380", a.EtcdInitialCluster);
        Assert.StartsWith("dts-42-beef-", a.EtcdClusterToken, StringComparison.Ordinal);
        Assert.NotEqual(a.EtcdClusterToken, b.EtcdClusterToken);
        Assert.Equal("/tmp/dts-testbed/42-beef/etcd-n2.log", a.EtcdLogPath(2));
    }

    [Fact]
    public void Validate_PortsOnEtcdsOrBadLeaseTtl_Reported()
    {
        var errors = new TestbedLayout(new TestbedOptions { Port = 2379, EtcdLeaseTtl = TimeSpan.FromMilliseconds(1500) }).Validate();

        Assert.Contains(errors, e => e.Contains("etcd's ports", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("EtcdLeaseTtl", StringComparison.Ordinal));
        Assert.Empty(new TestbedLayout(new TestbedOptions { Port = 2379, Membership = TestbedMembership.Static }).Validate());
    }
}
