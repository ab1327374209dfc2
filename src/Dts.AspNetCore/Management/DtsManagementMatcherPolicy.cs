using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;

namespace Dts.AspNetCore.Management;

/// <summary>
/// Routing's endpoint selector for the management endpoint (as routing's own <c>HostMatcherPolicy</c> is for hosts,
/// but by the connection, <see cref="DtsManagementConnectionFeature"/>): on a connection to the management endpoint only endpoints with
/// <see cref="DtsManagementMetadata"/> match; on every other connection (the VIP, <c>Dts:Port</c> on the unicast
/// address) none of them does, so <c>http://&lt;VIP&gt;/dts/stats</c> reaches the app's own routing.
/// </summary>
internal sealed class DtsManagementMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    /// <summary>After routing's host and method policies.</summary>
    public override int Order => 100;

    // Every state: an app endpoint must not match on the management endpoint either, whatever shares its state.
    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => true;

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var onManagement = httpContext.Features.Get<DtsManagementConnectionFeature>() is not null;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i)
                && (candidates[i].Endpoint.Metadata.GetMetadata<DtsManagementMetadata>() is not null) != onManagement)
            {
                candidates.SetValidity(i, false);
            }
        }
        return Task.CompletedTask;
    }
}
