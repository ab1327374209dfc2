using Microsoft.Extensions.Configuration;

namespace Dts.AspNetCore.Configuration;

/// <summary>
/// Binds the <c>Dts</c> section key by key, so that a value that can't be converted (<c>Dts:Mechanism=Foo</c>,
/// <c>Dts:Port=abc</c>) becomes one more entry of <see cref="DtsOptions.BindingErrors"/>, reported at start-up with
/// every other problem, instead of the binder's exception that stops at the first one and hides the rest.
/// </summary>
internal static class DtsConfigurationBinding
{
    /// <summary>Binds every child of <paramref name="section"/> that converts into <paramref name="options"/>; records the others.</summary>
    public static void Bind(IConfigurationSection section, DtsOptions options)
    {
        var prefix = section.Path + ConfigurationPath.KeyDelimiter;
        foreach (var child in section.GetChildren())
        {
            var values = child.AsEnumerable()
                .Where(kv => kv.Value is not null && kv.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(kv => KeyValuePair.Create(kv.Key[prefix.Length..], kv.Value));
            var only = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
            try
            {
                only.Bind(options);
            }
            catch (InvalidOperationException ex)
            {
                options.BindingErrors.Add($"{child.Path}: {ex.Message}");
            }
        }
    }

    /// <summary>A fresh <see cref="DtsOptions"/> bound from <paramref name="section"/> (errors on it, not thrown).</summary>
    public static DtsOptions Read(IConfigurationSection section)
    {
        var options = new DtsOptions();
        Bind(section, options);
        return options;
    }
}
