namespace Microsoft.Extensions.DependencyInjection;

internal sealed class DtsBuilder(IServiceCollection services, IReverseProxyBuilder reverseProxy) : IDtsBuilder
{
    public IServiceCollection Services { get; } = services;

    public IReverseProxyBuilder ReverseProxy { get; } = reverseProxy;
}
