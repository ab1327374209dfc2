using Dts.Cli.Commands;
using Dts.Linux.Doctor;

namespace Dts.Cli.Tests.Commands;

public sealed class DoctorCommandTests
{
    [Fact]
    public void Run_NoSuchNamespace_PrintsTheFailWithItsFixAndExitsOne()
    {
        string name = $"dts-ct-{Environment.ProcessId}-{Random.Shared.Next(0x10000, 0xFFFFF):x}-absent";
        using var output = new StringWriter();

        int exitCode = DoctorCommand.Run(new NodeDoctorOptions { Namespace = name }, output);

        Assert.Equal(1, exitCode);
        string[] lines = output.ToString().Split('\n');
        int fail = Array.FindIndex(lines, l => l.StartsWith("FAIL  netns ", StringComparison.Ordinal));
        Assert.True(fail >= 0, output.ToString());
        Assert.Contains($"cannot enter namespace '{name}'", lines[fail], StringComparison.Ordinal);
        Assert.Contains("fix: give the node's namespace", lines[fail + 1], StringComparison.Ordinal);
        Assert.Matches(@"^doctor: \d+ pass, \d+ warn, \d+ hint, [1-9]\d* fail$", lines.Last(l => l.Length > 0).TrimEnd());
    }

    [Theory]
    [InlineData("1.2.3")]
    [InlineData("::1")]
    [InlineData("vip")]
    public void Parse_VipNotADottedQuad_IsAnError(string vip)
    {
        var result = CliApplication.Create().Parse(["doctor", "--vip", vip]);

        Assert.Contains(result.Errors, e => e.Message.Contains($"'{vip}' is not an IPv4 address", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_NetnsAndVip_AreTaken()
    {
        var result = CliApplication.Create().Parse(["doctor", "--netns", "node1", "--vip", "198.18.0.100"]);

        Assert.Empty(result.Errors);
        Assert.Equal("doctor", result.CommandResult.Command.Name);
    }
}
