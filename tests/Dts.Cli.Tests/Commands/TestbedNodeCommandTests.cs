using Dts.Cli.Commands;

namespace Dts.Cli.Tests.Commands;

public sealed class TestbedNodeCommandTests
{
    [Theory]
    [InlineData("start")]
    [InlineData("stop")]
    [InlineData("kill")]
    public void Parse_VerbRunIdNodeId_SelectsTheVerbWithBothArguments(string verb)
    {
        var result = CliApplication.Create().Parse(["testbed", "node", verb, "1234-beef", "n2"]);

        Assert.Empty(result.Errors);
        Assert.Equal(verb, result.CommandResult.Command.Name);
        Assert.Equal("node", result.CommandResult.Command.Parents.OfType<System.CommandLine.Command>().Single().Name);
        Assert.Equal(["1234-beef", "n2"], result.CommandResult.Children.Select(c => c.Tokens.Single().Value));
    }

    [Theory]
    [InlineData("x2")]
    [InlineData("2")]
    [InlineData("n0")]
    [InlineData("n02")]
    [InlineData("N2")]
    [InlineData("n")]
    public void Parse_NotANodeId_ReportsIt(string nodeId)
    {
        var result = CliApplication.Create().Parse(["testbed", "node", "kill", "1234-beef", nodeId]);

        Assert.Contains(result.Errors, e => e.Message.Contains($"'{nodeId}' is not a node id", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("testbed", "node", "restart", "1234-beef", "n1")]
    [InlineData("testbed", "node", "stop", "1234-beef")]
    [InlineData("testbed", "node", "stop")]
    [InlineData("testbed", "node", "kill", "1234-beef", "n1", "n2")]
    public void Parse_WrongShape_IsAnError(params string[] args)
    {
        Assert.NotEmpty(CliApplication.Create().Parse(args).Errors);
    }

    [Theory]
    [InlineData("n1", 1)]
    [InlineData("n9", 9)]
    [InlineData("n89", 89)]
    public void ValidateNodeId_NodeIds_Accepted(string nodeId, int node)
    {
        Assert.Null(TestbedNodeCommand.ValidateNodeId(nodeId));
        Assert.True(Testbed.Testbed.TryParseNodeId(nodeId, out int parsed));
        Assert.Equal(node, parsed);
    }

    [Fact]
    public async Task RunAsync_UnknownRunId_FailsWithoutTouchingAnything()
    {
        using var output = new StringWriter();

        int exitCode = await TestbedNodeCommand.RunAsync(NodeVerb.Stop, $"no-such-run-{Environment.ProcessId}", "n1", output, CancellationToken.None);

        Assert.Equal(1, exitCode);
        Assert.Empty(output.ToString());
    }
}
