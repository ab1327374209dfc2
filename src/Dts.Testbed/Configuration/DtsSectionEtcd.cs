namespace Dts.Testbed.Configuration;

/// <summary><see cref="DtsSection.Etcd"/> (Dts.AspNetCore's <c>DtsEtcdOptions</c>): where the node finds the membership.</summary>
/// <param name="Endpoints">Every etcd member's client URL, <c>http://&lt;node ip&gt;:2379</c>, in node order.</param>
/// <param name="Prefix">The run's key prefix, <c>/dts/&lt;runid&gt;/</c>.</param>
/// <param name="LeaseTtl">The member lease's TTL (written as <c>00:00:02</c>).</param>
internal sealed record DtsSectionEtcd(IReadOnlyList<string> Endpoints, string Prefix, TimeSpan LeaseTtl);
