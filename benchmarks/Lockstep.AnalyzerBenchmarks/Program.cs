using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

// Lockstep analyzer cost benchmark and real-code runner.
//   bench [classes=2000] [repetitions=5]  generated compilations: compile-only time vs each analyzer's time
//   analyze <folder>                      every Lockstep diagnostic in a folder of C#, a summary by rule, any exception
//   profile <Analyzer|all> [classes=400]  one analyzer over and over (a dotnet-trace target); the workload is the dense
//                                         one, or LOCKSTEP_PROFILE_PLAIN=1 (no concurrency), or LOCKSTEP_PROFILE_EVERY=n
//                                         (one class in n concurrent: 5 is the realistic mix)
//                                         `profile driver` runs an analyzer that asks for every operation block and does nothing:
//                                         the driver's own cost, to subtract; LOCKSTEP_PROFILE_ALLOC=1 prints allocations by type;
//                                         LOCKSTEP_PROFILE_ROUNDS=n compilations instead of 6 (more rounds dilute the unoptimized first)
//   LOCKSTEP_BENCH_FLOOR=1 (bench)       also times an analyzer that registers the same per-member action and does nothing:
//                                         what the telemetry bills for being called at all
//   LOCKSTEP_BENCH_ONLY=mix (bench)       only the named parts: plain, mix, dense, scaling (comma-separated); also `open`,
//                                         not run by default: plain classes and one concurrent one (every gate open)
//   LOCKSTEP_BENCH_REACH=1 (any mode)     every worker of the mix also calls the plain classes after its own, so a start
//                                         reaches every plain class (the worst case for anything that defers plain members)
var mode = args.Length > 0 ? args[0] : "bench";
return mode switch
{
    "bench" => await Bench.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5),
    "analyze" when args.Length > 1 => await Analyze.RunAsync(args[1]),
    "profile" => await Bench.ProfileAsync(args.Length > 1 ? args[1] : "DeadlockAnalyzer", args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 400),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: bench [classes] [repetitions] | profile <Analyzer|all> [classes] | analyze <folder>");
    return 2;
}

internal static class Subjects
{
    public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } = typeof(Lockstep.Analyzers.Rules.LockPairingAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    /// <summary>The running .NET's own assemblies plus the Lockstep runtime: enough to bind ordinary code.</summary>
    public static ImmutableArray<MetadataReference> References { get; } = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
        .Split(Path.PathSeparator)
        .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
        .Append(typeof(Lockstep.Lock).Assembly.Location)
        .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
        .ToImmutableArray();

    public static CSharpCompilation Compile(IEnumerable<(string Path, string Text)> files)
    {
        var options = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Text, options, f.Path));
        return CSharpCompilation.Create("Subject", trees, References, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, concurrentBuild: false));
    }
}

internal static class Bench
{
    public static async Task<int> RunAsync(int classes, int repetitions)
    {
        Console.WriteLine($"Lockstep analyzer cost: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {classes} classes, median of {repetitions} runs, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} garbage collector");
        Console.WriteLine();

        // Warm-up: JIT the compiler and the analyzers before anything is timed.
        var warmup = Subjects.Compile(Generate(Math.Min(classes, 200), concurrentEvery: 1));
        warmup.GetDiagnostics();
        await TelemetryAsync(warmup);

        // LOCKSTEP_BENCH_ONLY=mix (or plain, dense, scaling; several separated by commas) runs only those parts.
        var only = Environment.GetEnvironmentVariable("LOCKSTEP_BENCH_ONLY")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        bool Runs(string part) => only is null || only.Length == 0 || only.Contains(part, StringComparer.OrdinalIgnoreCase);
        if (Runs("plain"))
        {
            await MeasureAsync("no concurrency code", Generate(classes, concurrentEvery: 0), repetitions);
        }

        if (Runs("mix"))
        {
            await MeasureAsync("realistic mix (1 class in 5 concurrent, the rest plain)", Generate(classes, concurrentEvery: 5), repetitions);
        }

        if (only is not null && only.Contains("open", StringComparer.OrdinalIgnoreCase))
        {
            // Not in the default run: plain code whose compilation has one concurrent class, so every gate is open.
            await MeasureAsync("plain code, gates open (1 class concurrent, the rest plain)", Generate(classes, concurrentEvery: classes), repetitions);
        }

        if (Runs("dense"))
        {
            await MeasureAsync("dense lock-heavy code (every class concurrent)", Generate(classes, concurrentEvery: 1), repetitions);
        }

        if (!Runs("scaling"))
        {
            return 0;
        }

        Console.WriteLine("LS2001 scaling (DeadlockAnalyzer time per lock site):");
        foreach (var size in new[] { classes / 4, classes / 2, classes })
        {
            var files = Generate(size, concurrentEvery: 1);
            var times = new List<double>();
            for (var i = 0; i < repetitions; i++)
            {
                var compilation = Subjects.Compile(files);
                compilation.GetDiagnostics();
                Settle();
                var telemetry = await TelemetryAsync(compilation);
                times.Add(telemetry.Single(t => t.Name == "DeadlockAnalyzer").Milliseconds);
            }

            var sites = size * 3;
            Console.WriteLine($"  {size,6} classes, {sites,6} lock sites: {Median(times),8:F1} ms, {Median(times) * 1000 / sites,6:F1} µs per site");
        }

        return 0;
    }

    /// <summary>Runs one analyzer over and over on bound lock-heavy code: a target for a sampling profiler.</summary>
    public static async Task<int> ProfileAsync(string analyzerName, int classes)
    {
        var analyzers = analyzerName switch
        {
            "all" => Subjects.Analyzers,
            "driver" => ImmutableArray.Create<DiagnosticAnalyzer>(new DriverOnlyAnalyzer()),
            _ => Subjects.Analyzers.Where(a => a.GetType().Name == analyzerName).ToImmutableArray(),
        };
        using var allocations = Environment.GetEnvironmentVariable("LOCKSTEP_PROFILE_ALLOC") == "1" ? new AllocationSampler() : null;
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("LOCKSTEP_PROFILE_ROUNDS"), out var r) && r > 0 ? r : 6;
        for (var i = 0; i < rounds; i++)
        {
            var compilation = Subjects.Compile(Generate(classes, concurrentEvery: int.TryParse(Environment.GetEnvironmentVariable("LOCKSTEP_PROFILE_EVERY"), out var every) ? every : Environment.GetEnvironmentVariable("LOCKSTEP_PROFILE_PLAIN") == "1" ? 0 : 1));
            compilation.GetDiagnostics();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            allocations?.Start();
            var watch = Stopwatch.StartNew();
            // Sequential, like the measurement: no time spent waiting on another analysis thread.
            var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false);
            await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync();
            allocations?.Stop();
            var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (1024.0 * 1024.0);
            Console.WriteLine($"{analyzerName}: {watch.Elapsed.TotalMilliseconds:F0} ms, {allocated:F0} MB allocated (driver included)");
        }

        allocations?.Print(300);

        return 0;
    }

    private static async Task MeasureAsync(string label, List<(string, string)> files, int repetitions)
    {
        var compile = new List<double>();
        var perAnalyzer = new Dictionary<string, List<double>>();
        var runs = new List<double>();
        var pauses = new List<double>();
        var faults = new List<double>();
        for (var i = 0; i < repetitions; i++)
        {
            var compilation = Subjects.Compile(files);
            Settle();
            var watch = Stopwatch.StartNew();
            compilation.GetDiagnostics();
            compile.Add(watch.Elapsed.TotalMilliseconds);

            // The analyzers run on the bound compilation, as in a build: their time is their own, not binding's. Each
            // timed part starts on a collected heap, so neither pays for collecting the other's garbage.
            Settle();
            var pausedBefore = GC.GetTotalPauseDuration();
            var faultsBefore = MinorPageFaults();
            watch.Restart();
            var telemetry = await TelemetryAsync(compilation);
            runs.Add(watch.Elapsed.TotalMilliseconds);
            faults.Add(MinorPageFaults() - faultsBefore);
            pauses.Add((GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds);
            foreach (var (name, ms) in telemetry)
            {
                if (!perAnalyzer.TryGetValue(name, out var list))
                {
                    perAnalyzer[name] = list = new List<double>();
                }

                list.Add(ms);
            }
        }

        var compileMedian = Median(compile);
        Console.WriteLine($"{label}: compile-only {compileMedian:F0} ms");
        var total = 0.0;
        var best = 0.0;
        foreach (var (name, times) in perAnalyzer.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var median = Median(times);
            var helper = name is nameof(DriverOnlyAnalyzer) or nameof(OperationTreeAnalyzer);
            if (!helper)
            {
                total += median;
                best += times.Min();
            }

            Console.WriteLine($"  {(helper ? "(" + name + ")" : name),-26} {median,8:F1} ms  {100 * median / compileMedian,6:F2} % of compile   (best run {times.Min(),7:F1} ms)");
        }

        Console.WriteLine($"  {"all Lockstep analyzers",-26} {total,8:F1} ms  {100 * total / compileMedian,6:F2} % of compile   (best runs {best,7:F1} ms, {100 * best / compileMedian,5:F2} %)");
        // Context for the telemetry: it is wall time inside the analyzers' callbacks, and the driver binds the compilation
        // again on another thread meanwhile, so collections its allocations cause also stop the analyzers' thread.
        Console.WriteLine($"  (the analysis run, driver included: {Median(runs):F0} ms, of which {Median(pauses):F0} ms with every thread stopped for garbage collection{(faults[0] >= 0 ? $"; {Median(faults):F0} minor page faults" : "")})");
        Console.WriteLine();
    }

    private static async Task<List<(string Name, double Milliseconds)>> TelemetryAsync(Compilation compilation)
    {
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true);
        var analyzers = Environment.GetEnvironmentVariable("LOCKSTEP_BENCH_FLOOR") == "1" ? Subjects.Analyzers.Add(new DriverOnlyAnalyzer()) : Subjects.Analyzers;
        if (Environment.GetEnvironmentVariable("LOCKSTEP_BENCH_TREES") == "1")
        {
            analyzers = analyzers.Insert(0, new OperationTreeAnalyzer());
        }

        var withAnalyzers = compilation.WithAnalyzers(analyzers, options);
        await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        var result = new List<(string, double)>();
        foreach (var analyzer in analyzers)
        {
            var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);
            result.Add((analyzer.GetType().Name, telemetry.ExecutionTime.TotalMilliseconds));
        }

        return result;
    }

    /// <summary>The process's minor page faults so far (Linux; -1 elsewhere): first touches of memory the collector handed out fresh.</summary>
    private static double MinorPageFaults()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return double.Parse(fields[7], CultureInfo.InvariantCulture); // field 10 of stat, counted after the command name
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return -1;
        }
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Realistic shapes: each concurrency class has a lock statement, a Monitor region, an async SemaphoreSlim region, a queue and a worker; every third class also calls into the next one under its lock.</summary>
    /// <param name="classes">How many classes.</param>
    /// <param name="concurrentEvery">0: no concurrency at all; n: every n-th class is a concurrent one, the others plain.</param>
    private static List<(string, string)> Generate(int classes, int concurrentEvery)
    {
        var files = new List<(string, string)>();
        for (var file = 0; file < classes; file += 50)
        {
            var text = new StringBuilder("using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;\nnamespace Generated;\n");
            for (var i = file; i < Math.Min(classes, file + 50); i++)
            {
                text.Append(concurrentEvery > 0 && i % concurrentEvery == 0 ? Concurrent(i, classes, concurrentEvery) : Plain(i));
            }

            files.Add(($"/gen/File{file / 50}.cs", text.ToString()));
        }

        return files;
    }

    private static string Plain(int i) => $$"""
        public sealed class Plain{{i}}
        {
            private readonly List<int> _items = new();
            private int _total;

            public int Add(int value)
            {
                if (value < 0) { throw new ArgumentOutOfRangeException(nameof(value)); }
                _items.Add(value);
                _total += value;
                return _items.Count;
            }

            public int Sum() => _items.Where(x => x % 2 == 0).Sum() + _total;

            public string Describe(int kind)
            {
                switch (kind)
                {
                    case 0: return "zero";
                    case 1: return string.Join(",", _items);
                    default:
                        foreach (var item in _items) { if (item == kind) return "found"; }
                        return "none";
                }
            }
        }

        """;

    /// <summary>LOCKSTEP_BENCH_REACH=1: each worker also calls the plain classes up to the next concurrent one (every plain class is then reached by a start).</summary>
    private static string Reach(int i, int classes, int every)
        => Environment.GetEnvironmentVariable("LOCKSTEP_BENCH_REACH") != "1" ? string.Empty
            : string.Concat(Enumerable.Range(1, every - 1).Where(k => i + k < classes).Select(k => $"new Plain{i + k}().Add(job); new Plain{i + k}().Sum(); new Plain{i + k}().Describe(job); "));

    private static string Concurrent(int i, int classes, int every) => $$"""
        public sealed class Service{{i}}
        {
            private readonly object _gate = new();
            private readonly object _log = new();
            private readonly SemaphoreSlim _io = new(1, 1);
            private readonly Lockstep.BlockingQueue<int> _jobs = new(100);
            private readonly List<int> _items = new();
            private int _total;

            public int Add(int value)
            {
                lock (_gate)
                {
                    _items.Add(value);
                    _total += value;
                    {{(i % 3 == 0 ? $"new Service{(i + every) % classes}().Log(value);" : string.Empty)}}
                    return _items.Count;
                }
            }

            public void Log(int value)
            {
                Monitor.Enter(_log);
                try { Console.WriteLine(value); }
                finally { Monitor.Exit(_log); }
            }

            public async Task SaveAsync(CancellationToken token)
            {
                await _io.WaitAsync(token);
                try { await Task.Delay(1, token); }
                finally { _io.Release(); }
            }

            public void Pump()
            {
                var worker = new Lockstep.Worker(token => { foreach (var job in _jobs.Consume(token)) { Add(job); {{Reach(i, classes, every)}} } });
                worker.Start();
                _jobs.Put(1);
                _jobs.Close();
                worker.Join();
            }
        }

        """;
}

internal static class Analyze
{
    public static async Task<int> RunAsync(string folder)
    {
        var files = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => (f, "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Threading; global using System.Threading.Tasks;\n" + File.ReadAllText(f)))
            .ToList();
        var compilation = Subjects.Compile(files);
        var exceptions = new List<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, analyzer, _) => { lock (exceptions) { exceptions.Add(analyzer.GetType().Name + ": " + exception); } },
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers(Subjects.Analyzers, options).GetAnalyzerDiagnosticsAsync();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start))
        {
            // One line of global usings was prepended: its 0-based line number is the file's 1-based one.
            var span = diagnostic.Location.GetLineSpan();
            Console.WriteLine($"{span.Path}({span.StartLinePosition.Line},{span.StartLinePosition.Character + 1}): {diagnostic.Severity.ToString().ToLowerInvariant()} {diagnostic.Id}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}");
        }

        Console.WriteLine();
        Console.WriteLine($"{files.Count} files, {diagnostics.Length} Lockstep diagnostics, {exceptions.Count} analyzer exceptions");
        foreach (var group in diagnostics.GroupBy(d => d.Id).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {group.Key}: {group.Count()}");
        }

        foreach (var exception in exceptions)
        {
            Console.WriteLine("EXCEPTION " + exception);
        }

        return exceptions.Count == 0 ? 0 : 1;
    }
}

/// <summary>
/// LOCKSTEP_PROFILE_ALLOC=1 in profile mode: the runtime's allocation samples (one per ~100 KB allocated) by type, while
/// the analyzers run. Roslyn's own allocations (operation trees, the driver) are counted too.
/// </summary>
internal sealed class AllocationSampler : System.Diagnostics.Tracing.EventListener
{
    private readonly Dictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private volatile bool _on;

    public void Start() => _on = true;

    public void Stop() => _on = false;

    public void Print(int top)
    {
        lock (_bytes)
        {
            var total = _bytes.Values.Sum();
            Console.WriteLine($"allocation samples while the analyzers ran: {total / (1024.0 * 1024.0):F0} MB in all");
            foreach (var (type, bytes) in _bytes.OrderByDescending(p => p.Value).Take(top))
            {
                Console.WriteLine($"  {bytes * 100.0 / total,5:F1} %  {bytes / (1024.0 * 1024.0),8:F1} MB  {type}");
            }
        }
    }

    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs eventData)
    {
        if (!_on || eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is null)
        {
            return;
        }

        var type = eventData.PayloadNames.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload![t] as string ?? "?" : "?";
        var amount = eventData.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload![a], CultureInfo.InvariantCulture) : 100_000;
        lock (_bytes)
        {
            _bytes[type] = _bytes.TryGetValue(type, out var known) ? known + amount : amount;
        }
    }
}

/// <summary>
/// An analyzer the benchmark adds for context: it reports nothing, and its time is printed in brackets and left out of
/// the Lockstep total.
/// </summary>
internal abstract class HelperAnalyzer : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Never = new("BENCH0001", "never reported", "never reported", "Benchmark", DiagnosticSeverity.Hidden, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Never);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterOperationBlockAction(OnBlock);
    }

    protected abstract void OnBlock(OperationBlockAnalysisContext block);
}

/// <summary>Asks the driver for every member's operation blocks and does nothing with them: what the driver costs by itself.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class DriverOnlyAnalyzer : HelperAnalyzer
{
    protected override void OnBlock(OperationBlockAnalysisContext block)
    {
    }
}

/// <summary>
/// Walks every operation of every body and does nothing else, as any operation-based analyzer does (the .NET SDK's own
/// code-analysis rules are on by default). LOCKSTEP_BENCH_TREES=1 runs it first, so whatever a body's first walk costs
/// is billed to it rather than to the first Lockstep analyzer that walks the body.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class OperationTreeAnalyzer : HelperAnalyzer
{
    protected override void OnBlock(OperationBlockAnalysisContext block)
    {
        var stack = new Stack<IOperation>();
        foreach (var root in block.OperationBlocks)
        {
            stack.Push(root);
            while (stack.Count > 0)
            {
                foreach (var child in stack.Pop().ChildOperations)
                {
                    stack.Push(child);
                }
            }
        }
    }
}
