using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// Everything, side by side:
//   dotnet run -c Release --project benchmarks/Lockstep.Benchmarks -- --filter '*' --job short
//     BenchmarkDotNet's short job: each benchmark in its own process (about five minutes on two cores).
//   dotnet run -c Release --project benchmarks/Lockstep.Benchmarks -- --quick [--filter '*Queue*']
//     the same short job run in this process: no per-benchmark build or launch (about two minutes).
// One group: --filter '*Uncontended*', '*Contended*' or '*Queue*'.
IConfig? config = null;
if (args.Contains("--quick"))
{
    args = args.Where(a => a != "--quick").ToArray();
    if (!args.Contains("--filter"))
    {
        args = [.. args, "--filter", "*"];
    }

    config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortRun-InProcess"));
}

BenchmarkSwitcher.FromAssembly(typeof(Lockstep.Benchmarks.ThreadTeam).Assembly).Run(args, config);
