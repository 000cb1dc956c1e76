using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Gauntlet.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Gauntlet.Benchmarks.SgemmBenchmarks).Assembly).Run(args);
