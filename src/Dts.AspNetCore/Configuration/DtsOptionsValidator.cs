using System.Net;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace Dts.AspNetCore.Configuration;

/// <summary>
/// Validates the <c>Dts</c> section and, with YARP's own <see cref="IConfigValidator"/>, the
/// <c>ReverseProxy</c> section it works with, and reports every problem at once (start-up fails with the
/// whole list, as YARP's ConfigValidator does for its own section).
/// </summary>
internal sealed class DtsOptionsValidator(IProxyConfigProvider proxyConfig, IConfigValidator proxyValidator) : IValidateOptions<DtsOptions>
{
    public ValidateOptionsResult Validate(string? name, DtsOptions o)
    {
        if (!o.Enabled)
        {
            return ValidateOptionsResult.Success;
        }
        var errors = new List<string>(o.BindingErrors);
        if (o.MaxRecordedBytes is <= 0 or > MaxRecordedBytesLimit)
        {
            errors.Add($"Dts:MaxRecordedBytes {o.MaxRecordedBytes} must be in 1..{MaxRecordedBytesLimit} (it travels in one control-channel message with the kernel's receive queue).");
        }
        if (string.IsNullOrWhiteSpace(o.NodeId))
        {
            errors.Add("Dts:NodeId is required.");
        }
        if (!IPAddress.TryParse(o.Vip, out _))
        {
            errors.Add($"Dts:Vip '{o.Vip}' is not an IP address.");
        }
        if (o.Port is < 1 or > 65535)
        {
            errors.Add($"Dts:Port {o.Port} is outside 1..65535.");
        }
        if (o.ControlPort is < 1 or > 65535 || o.ControlPort == o.Port)
        {
            errors.Add($"Dts:ControlPort {o.ControlPort} must be in 1..65535 and differ from Dts:Port.");
        }
        if (o.ManagementPort is < 1 or > 65535 || o.ManagementPort == o.Port || o.ManagementPort == o.ControlPort)
        {
            errors.Add($"Dts:ManagementPort {o.ManagementPort} must be in 1..65535 and differ from Dts:Port and Dts:ControlPort (operator endpoints are never served where clients or the fallback proxy reach the node).");
        }
        if (!Enum.IsDefined(o.Mechanism))
        {
            errors.Add($"Dts:Mechanism {o.Mechanism} must be one of {string.Join(", ", Enum.GetNames<Dts.Core.Handover.HandoverMechanism>())}.");
        }
        if (o.Buckets is < 1 or > Dts.Core.Ownership.BucketAssignment.MaxBuckets)
        {
            errors.Add($"Dts:Buckets {o.Buckets} must be in 1..{Dts.Core.Ownership.BucketAssignment.MaxBuckets} (the same on every node).");
        }
        if (!Enum.IsDefined(o.Membership))
        {
            errors.Add($"Dts:Membership {o.Membership} must be one of {string.Join(", ", Enum.GetNames<DtsMembershipMode>())}.");
        }
        if (o.Nodes.Count == 0)
        {
            errors.Add("Dts:Nodes must list every node of the cluster.");
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < o.Nodes.Count; i++)
        {
            var n = o.Nodes[i];
            if (string.IsNullOrWhiteSpace(n.Id) || !ids.Add(n.Id))
            {
                errors.Add($"Dts:Nodes:{i}:Id '{n.Id}' is empty or repeated.");
            }
            if (!IPAddress.TryParse(n.Address, out _))
            {
                errors.Add($"Dts:Nodes:{i}:Address '{n.Address}' is not an IP address.");
            }
        }
        if (!string.IsNullOrWhiteSpace(o.NodeId) && o.Nodes.Count > 0 && o.SelfIndex < 0)
        {
            errors.Add($"Dts:NodeId '{o.NodeId}' is not in Dts:Nodes.");
        }
        if (o.HandoverTimeout <= TimeSpan.Zero || o.FlowIdleTimeout <= TimeSpan.Zero)
        {
            errors.Add("Dts:HandoverTimeout and Dts:FlowIdleTimeout must be positive.");
        }
        // Kestrel's keep-alive default; a changed one is checked again in UseDts() (reading Kestrel's options
        // here would make their configuration, which needs these options, wait on itself).
        if (o.FlowIdleTimeout <= KestrelKeepAliveDefault)
        {
            errors.Add(KeepAliveError(o.FlowIdleTimeout, KestrelKeepAliveDefault));
        }
        foreach (var (key, path) in new[] { ("CaPath", o.Certificates.CaPath), ("CertPath", o.Certificates.CertPath), ("KeyPath", o.Certificates.KeyPath) })
        {
            if (!File.Exists(path))
            {
                errors.Add($"Dts:Certificates:{key} '{path}' does not exist.");
            }
        }
        ValidateEtcd(o, errors);
        ValidateProxy(o, ids, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static readonly TimeSpan KestrelKeepAliveDefault = TimeSpan.FromSeconds(130);

    /// <summary>The largest <c>Dts:MaxRecordedBytes</c>: half a control message, the rest left to the kernel's receive queue.</summary>
    internal const int MaxRecordedBytesLimit = Control.ControlChannel.MaxMessageSize / 2;

    internal static string KeepAliveError(TimeSpan idle, TimeSpan keepAlive) =>
        $"Dts:FlowIdleTimeout {idle} must exceed Kestrel's keep-alive timeout {keepAlive}: an idle connection would outlive its nft elements.";

    /// <summary>The <c>Dts:Etcd</c> section, when <c>Dts:Membership</c> is Etcd (see <see cref="DtsEtcdOptions"/>).</summary>
    private static void ValidateEtcd(DtsOptions o, List<string> errors)
    {
        if (o.Membership != DtsMembershipMode.Etcd)
        {
            return;
        }
        var e = o.Etcd;
        if (e.Endpoints.Count == 0)
        {
            errors.Add("Dts:Etcd:Endpoints must list at least one etcd client URL (Dts:Membership is Etcd).");
        }
        for (var i = 0; i < e.Endpoints.Count; i++)
        {
            if (!Uri.TryCreate(e.Endpoints[i], UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.AbsolutePath != "/")
            {
                errors.Add($"Dts:Etcd:Endpoints:{i} '{e.Endpoints[i]}' must be an absolute http:// or https:// URL of an etcd member (scheme, host, port).");
            }
        }
        var https = e.Endpoints.Count(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase));
        if (https > 0 && https < e.Endpoints.Count)
        {
            errors.Add("Dts:Etcd:Endpoints mix http:// and https://: the client uses one channel (one TLS setting) for every member.");
        }
        if (e.LeaseTtl < TimeSpan.FromSeconds(1) || e.LeaseTtl.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            errors.Add($"Dts:Etcd:LeaseTtl {e.LeaseTtl} must be whole seconds, at least 1 s (etcd grants leases in seconds).");
        }
        if (e.RequestTimeout <= TimeSpan.Zero)
        {
            errors.Add($"Dts:Etcd:RequestTimeout {e.RequestTimeout} must be positive.");
        }
        if (string.IsNullOrEmpty(e.Prefix) || e.Prefix[0] != '/' || e.Prefix[^1] != '/')
        {
            errors.Add($"Dts:Etcd:Prefix '{e.Prefix}' must start and end with '/' (e.g. /dts/).");
        }
        if (https > 0 && (e.CertFile is null) != (e.KeyFile is null))
        {
            errors.Add("Dts:Etcd:CertFile and Dts:Etcd:KeyFile go together (the client certificate and its private key).");
        }
        foreach (var (key, path) in new[] { ("CaFile", e.CaFile), ("CertFile", e.CertFile), ("KeyFile", e.KeyFile) })
        {
            if (path is not null && !File.Exists(path))
            {
                errors.Add($"Dts:Etcd:{key} '{path}' does not exist.");
            }
        }
    }

    private void ValidateProxy(DtsOptions o, HashSet<string> nodes, List<string> errors)
    {
        IProxyConfig config;
        try
        {
            config = proxyConfig.GetConfig();
        }
        catch (Exception ex)
        {
            errors.Add("ReverseProxy: " + ex.Message);
            return;
        }
        var clusters = config.Clusters.Select(c => c.ClusterId).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var route in config.Routes)
        {
            if (route.ClusterId is not null && !clusters.Contains(route.ClusterId))
            {
                errors.Add($"ReverseProxy:Routes:{route.RouteId}: ClusterId '{route.ClusterId}' is not a cluster.");
            }
            foreach (var e in proxyValidator.ValidateRouteAsync(route).AsTask().GetAwaiter().GetResult())
            {
                errors.Add($"ReverseProxy:Routes:{route.RouteId}: {e.Message}");
            }
            if (route.Metadata?.TryGetValue(DtsMetadata.Fallback, out var f) == true && !Enum.TryParse<DtsFallbackMode>(f, true, out _))
            {
                errors.Add($"ReverseProxy:Routes:{route.RouteId}: Metadata {DtsMetadata.Fallback} '{f}' must be Proxy, Local or Reject.");
            }
            if (route.Metadata?.TryGetValue(DtsMetadata.Handover, out var h) == true && !bool.TryParse(h, out _))
            {
                errors.Add($"ReverseProxy:Routes:{route.RouteId}: Metadata {DtsMetadata.Handover} '{h}' must be true or false.");
            }
        }
        foreach (var cluster in config.Clusters)
        {
            foreach (var (id, d) in cluster.Destinations ?? new Dictionary<string, DestinationConfig>())
            {
                if (d.Metadata?.TryGetValue(DtsMetadata.Node, out var node) == true && !nodes.Contains(node))
                {
                    errors.Add($"ReverseProxy:Clusters:{cluster.ClusterId}:Destinations:{id}: Metadata {DtsMetadata.Node} '{node}' is not in Dts:Nodes.");
                }
            }
            foreach (var e in proxyValidator.ValidateClusterAsync(DtsDestinationFilter.Fill(cluster, o)).AsTask().GetAwaiter().GetResult())
            {
                errors.Add($"ReverseProxy:Clusters:{cluster.ClusterId}: {e.Message}");
            }
        }
    }
}
