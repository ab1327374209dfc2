using System.Globalization;
using BenchmarkDotNet.Running;
using Dts.AspNetCore.Benchmarks;

if (args is ["roundtrip", .. var rest])
{
    await ControlRoundTrip.RunAsync(
        rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 2000,
        rest.Length > 1 ? int.Parse(rest[1], CultureInfo.InvariantCulture) : 1024);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(HandoverMessagesBenchmarks).Assembly).Run(args);
