using System;
using DerivSpec.Examples.Benchmark;

return BenchmarkCommand.Run(args, Console.Out, Console.Error);
