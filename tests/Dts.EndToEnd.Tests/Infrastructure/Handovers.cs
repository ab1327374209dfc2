namespace Dts.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Which node accepts a connection depends on the client's port (the jhash ownership rule), so a test
/// that needs a handed-over connection opens new connections until one was handed over (a third of
/// them land on the target itself). Bounded: 12 attempts.
/// </summary>
internal static class Handovers
{
    public const int Attempts = 12;

    public static async Task<T> UntilHandedOverAsync<T>(Func<Task<(bool HandedOver, T Result)>> attempt)
    {
        for (var i = 0; i < Attempts; i++)
        {
            var (handedOver, result) = await attempt();
            if (handedOver)
            {
                return result;
            }
        }
        throw new Xunit.Sdk.XunitException($"no connection out of {Attempts} was handed over");
    }
}
