using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// Sums the allocation samples of a trace by where Lockstep's analyzers allocated:
//   AllocationStacks <trace.nettrace> [rounds=1] [type filter] [frame filter]
// The trace comes from
//   dotnet-trace collect --providers Microsoft-Windows-DotNETRuntime:0x1:5 -o trace.nettrace -- \
//     dotnet benchmarks/Lockstep.AnalyzerBenchmarks/bin/Release/net10.0/Lockstep.AnalyzerBenchmarks.dll profile all 2000
// (GC keyword, verbose level: the AllocationTick event, one per ~100 KB allocated on a thread, with its stack).
// Megabytes are divided by `rounds` (the compilations the profile ran, LOCKSTEP_PROFILE_ROUNDS). Each line is the
// innermost Lockstep frame, the Lockstep frame that called it, and the framework method that allocated, if any.
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: AllocationStacks <trace.nettrace> [rounds] [type filter] [frame filter]");
    return 2;
}

var rounds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 1;
var typeFilter = args.Length > 2 ? args[2] : string.Empty;
var frameFilter = args.Length > 3 ? args[3] : string.Empty;
using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[0]));

var bySite = new Dictionary<string, double>();
var byType = new Dictionary<string, double>();
double all = 0, ours = 0;
foreach (var traceEvent in log.Events)
{
    if (traceEvent is not GCAllocationTickTraceData tick)
    {
        continue;
    }

    all += tick.AllocationAmount64;
    string? innermost = null, caller = null, allocator = null;
    for (var frame = traceEvent.CallStack(); frame is not null; frame = frame.Caller)
    {
        var method = frame.CodeAddress.FullMethodName ?? string.Empty;
        if ((frame.CodeAddress.ModuleName ?? string.Empty).Contains("Lockstep.Analyzers", StringComparison.Ordinal))
        {
            if (innermost is null)
            {
                innermost = method;
            }
            else
            {
                caller = method;
                break;
            }
        }
        else if (innermost is null)
        {
            allocator ??= method;
        }
    }

    if (innermost is null || !tick.TypeName.Contains(typeFilter, StringComparison.Ordinal) || !innermost.Contains(frameFilter, StringComparison.Ordinal))
    {
        continue;
    }

    ours += tick.AllocationAmount64;
    var site = $"{Short(innermost)} <- {Short(caller)}" + (allocator is null ? string.Empty : $"  [in {Short(allocator)}]");
    bySite[site] = bySite.GetValueOrDefault(site) + tick.AllocationAmount64;
    byType[tick.TypeName] = byType.GetValueOrDefault(tick.TypeName) + tick.AllocationAmount64;
}

const double Megabyte = 1024 * 1024;
Console.WriteLine($"sampled: {all / rounds / Megabyte:F1} MB per round, {ours / rounds / Megabyte:F1} MB under Lockstep.Analyzers frames (filters applied)");
foreach (var (site, bytes) in bySite.OrderByDescending(pair => pair.Value).Take(50))
{
    Console.WriteLine($"{bytes / rounds / Megabyte,7:F2} MB  {site}");
}

Console.WriteLine("by type:");
foreach (var (type, bytes) in byType.OrderByDescending(pair => pair.Value).Take(30))
{
    Console.WriteLine($"{bytes / rounds / Megabyte,7:F2} MB  {type}");
}

return 0;

static string Short(string? method)
{
    if (method is null)
    {
        return string.Empty;
    }

    var parameters = method.IndexOf('(', StringComparison.Ordinal);
    return (parameters > 0 ? method[..parameters] : method).Replace("Lockstep.Analyzers.", string.Empty, StringComparison.Ordinal);
}
