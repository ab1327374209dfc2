namespace Dts.Testbed.Tests;

public sealed class DtsStatsReaderTests
{
    [Fact]
    public void ParseMembership_PlanFieldNames_EveryFieldRead()
    {
        const string json = """
            {"node":"n1","served":3,"membership":{"mode":"Etcd","revision":17,"store_reachable":true,"fenced":false,"draining":true,
             "buckets":256,"self_buckets":86,"table":"256:n1,n2,n3",
             "members":[{"id":"n1","state":"Draining","applied":"256:n1,n2,n3","buckets":86},{"id":"n2","state":"Active","applied":null,"buckets":170}]}}
            """;

        var m = DtsStatsReader.ParseMembership(json);

        Assert.NotNull(m);
        Assert.Equal(("Etcd", 17L, true, false, true, 86), (m.Mode, m.Revision, m.StoreReachable, m.Fenced, m.Draining, m.SelfBuckets));
        Assert.Equal([new NodeMembershipMember("n1", "Draining", 86), new NodeMembershipMember("n2", "Active", 170)], m.Members);
    }

    [Fact]
    public void ParseMembership_CamelCaseAndMissingFields_ReadWhatIsThere()
    {
        var m = DtsStatsReader.ParseMembership("""{"membership":{"mode":"Static","storeReachable":false,"selfBuckets":3,"members":[{"id":"n1"}]}}""");

        Assert.NotNull(m);
        Assert.Equal(("Static", (long?)null, false, (bool?)null, 3), (m.Mode, m.Revision, m.StoreReachable, m.Fenced, m.SelfBuckets));
        Assert.Equal([new NodeMembershipMember("n1", null, null)], m.Members);
    }

    [Fact]
    public void ParseMembership_NodeWithoutMembership_IsNull()
    {
        Assert.Null(DtsStatsReader.ParseMembership("""{"node":"n1","served":3}"""));
    }
}
