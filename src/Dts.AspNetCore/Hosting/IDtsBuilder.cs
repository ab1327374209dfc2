namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// What <c>services.AddDts(configuration)</c> returns, to chain further configuration (as YARP's
/// <see cref="IReverseProxyBuilder"/> does).
/// </summary>
public interface IDtsBuilder
{
    /// <summary>The service collection DTS was added to.</summary>
    IServiceCollection Services { get; }

    /// <summary>YARP's builder (routes and clusters from the <c>ReverseProxy</c> section), to add transforms or policies.</summary>
    IReverseProxyBuilder ReverseProxy { get; }
}
