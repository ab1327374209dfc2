using Dts.Cli;

return await CliApplication.Create().Parse(args).InvokeAsync();
