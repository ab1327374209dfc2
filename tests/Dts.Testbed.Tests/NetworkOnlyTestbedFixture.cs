namespace Dts.Testbed.Tests;

/// <summary>One 3-node testbed without node processes, shared by the read-only checks of <see cref="TestbedNetworkTests"/>.</summary>
public sealed class NetworkOnlyTestbedFixture : IAsyncLifetime
{
    private Testbed? _testbed;

    public Testbed Testbed => _testbed ?? throw new InvalidOperationException("Not running as root: no testbed.");

    public async Task InitializeAsync()
    {
        if (Environment.IsPrivilegedProcess)
        {
            _testbed = await Testbed.UpAsync(new TestbedOptions
            {
                NodeSettings = new Dictionary<string, string>
                {
                    ["Dts:Handover:TimeoutMs"] = "500",
                    ["Logging:LogLevel:Default"] = "Warning",
                },
            });
        }
    }

    public async Task DisposeAsync()
    {
        if (_testbed is not null)
        {
            await _testbed.DisposeAsync();
        }
    }
}
