using BenchmarkDotNet.Running;

// Everything, side by side, in a few minutes:
//   dotnet run -c Release --project benchmarks/Lockstep.Benchmarks -- --filter '*' --job short
// One group:  --filter '*Queue*'   or   --filter '*Lock*'
// `--quick` is shorthand for `--filter * --job short`.
if (args is ["--quick"])
{
    args = ["--filter", "*", "--job", "short"];
}

BenchmarkSwitcher.FromAssembly(typeof(Lockstep.Benchmarks.ThreadTeam).Assembly).Run(args);
