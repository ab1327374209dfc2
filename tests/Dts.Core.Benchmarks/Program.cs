using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Dts.Core.Benchmarks.SpliceTranslatorBenchmarks).Assembly).Run(args);
