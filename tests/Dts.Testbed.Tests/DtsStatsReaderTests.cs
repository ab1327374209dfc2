namespace Dts.Testbed.Tests;

public sealed class DtsStatsReaderTests
{
    // The shape the node writes (camelCase, Dts.Core.Telemetry.DtsMembershipStats): what `dts status` and the demo read.
    [Fact]
    public void Parse_Membership_EveryFieldRead()
    {
        const string json = """
            {"node":"n1","served":3,"membership":{"mode":"Etcd","revision":17,"storeReachable":true,"fenced":false,"draining":true,
             "buckets":256,"selfBuckets":86,"table":"256:n1,n2,n3","gainPending":false,
             "members":[{"id":"n1","state":"Draining","applied":"256:n1,n2,n3","buckets":86},{"id":"n2","state":"Active","applied":null,"buckets":170}]}}
            """;

        var m = DtsStatsReader.Parse(json).Membership;

        Assert.NotNull(m);
        Assert.Equal(("Etcd", 17L, true, false, true, 256, 86, "256:n1,n2,n3"), (m.Mode, m.Revision, m.StoreReachable, m.Fenced, m.Draining, m.Buckets, m.SelfBuckets, m.Table));
        Assert.Equal([("n1", "Draining", (string?)"256:n1,n2,n3", 86), ("n2", "Active", null, 170)], m.Members.Select(x => (x.Id, x.State, x.Applied, x.Buckets)));
    }

    [Fact]
    public void Parse_NodeWithoutMembership_IsNull()
    {
        Assert.Null(DtsStatsReader.Parse("""{"node":"n1","served":3}""").Membership);
    }
}
