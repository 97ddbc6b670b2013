using System.Collections.Immutable;
using Lockstep.Analyzers.Catalog;
using Lockstep.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Lockstep.Analyzers.Rules;

/// <summary>
/// LS1001–LS1004: locks that are taken and not given back, given back twice, given back only when
/// nothing throws, or carried across an <c>await</c> by a thread that may not be the one releasing.
/// <code>
/// Monitor.Enter(_gate);
/// if (done) return;          // LS1001: this return leaves _gate held; the next caller blocks for ever
/// Monitor.Exit(_gate);
/// </code>
/// Good: <c>lock (_gate) { if (done) return; }</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LockPairingAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: the lock family of the reported acquire or release (a <c>LockFamily</c> name).</summary>
    public const string FamilyProperty = "LockFamily";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.LS1001_LockNotReleased,
        Descriptors.LS1002_ReleaseWithoutAcquire,
        Descriptors.LS1002_ReleaseWithoutAcquireOnException,
        Descriptors.LS1003_LockNotReleasedOnException,
        Descriptors.LS1004_ThreadAffineLockAcrossAwait);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (!SourceVocabulary.Mentions(start.Compilation, Concern.Locks, start.CancellationToken))
            {
                return; // the source names nothing this analyzer looks at
            }

            var catalog = PrimitiveCatalog.For(start.Compilation);
            if (catalog.IsEmpty)
            {
                return;
            }

            var members = SourceVocabulary.MemberGateFor(start.Compilation, Concern.Locks, start.CancellationToken);
            start.RegisterOperationBlockAction(block =>
            {
                if (members.Skips(block.OperationBlocks, block.CancellationToken))
                {
                    return; // the member names no acquire or release
                }

                // Cheap pre-check: only bodies that call a catalogued acquire or release get analyzed.
                foreach (var invocation in BlockIndex.For(block).Invocations)
                {
                    if (catalog.TryClassify(invocation, out _))
                    {
                        AnalyzeBodies(block, catalog);
                        return;
                    }
                }
            });
        });
    }

    private static void AnalyzeBodies(OperationBlockAnalysisContext context, PrimitiveCatalog catalog)
    {
        var results = new List<(IMethodSymbol? Method, bool IsNested, LockFlowResult Result)>();
        foreach (var body in LockBody.Collect(context, catalog))
        {
            if (body.Analyze(observer: null, context.CancellationToken) is { } result)
            {
                results.Add((body.Method, body.IsNested, result));
            }
        }

        // A lock released inside a lambda or local function of the same member is handed to that code
        // (a continuation, a callback, an unlock helper): its acquire is not a leak of the enclosing body.
        foreach (var (method, _, result) in results)
        {
            var releasedInNested = results.Where(r => r.IsNested && !ReferenceEquals(r.Result, result)).SelectMany(r => r.Result.ReleasedKeys).ToList();
            Report(context, method, result, releasedInNested);
        }
    }

    private static void Report(OperationBlockAnalysisContext context, IMethodSymbol? method, LockFlowResult result, List<LockKey> releasedInNested)
    {
        var reported = new HashSet<IOperation>();
        // Asked only of a body with a would-be leak: the answer reads the method's attributes and its return type's interfaces.
        var acquireHandOff = (result.NormalExitLeaks.Count != 0 || result.LoopLeaks.Count != 0 || result.ExceptionalExitLeaks.Count != 0)
            && HandOff.IsAcquireMethod(method);

        // LS1001: a normal exit (or the loop's next pass) with the lock still held.
        foreach (var site in result.NormalExitLeaks.Keys.Concat(result.LoopLeaks).OrderBy(s => s.Syntax.SpanStart))
        {
            if (reported.Contains(site) || !IsReportableLeak(site, result, acquireHandOff, method, context.CancellationToken, out var info)
                || releasedInNested.Any(k => k.IsSameObject(info.Key)))
            {
                continue;
            }

            var exit = result.LoopLeaks.Contains(site) && !result.NormalExitLeaks.ContainsKey(site)
                ? "the next pass of the loop"
                : result.NormalExitLeaks[site];
            reported.Add(site);
            context.ReportDiagnostic(Create(Descriptors.LS1001_LockNotReleased, site, info.Family, info.Key.DisplayName, exit));
        }

        // LS1004: a thread-affine lock held at an await.
        foreach (var pair in result.HeldAcrossAwait.OrderBy(p => p.Key.Syntax.SpanStart))
        {
            var site = pair.Key;
            if (reported.Contains(site) || site.IsImplicit || !result.Sites.TryGetValue(site, out var info))
            {
                continue;
            }

            reported.Add(site);
            var line = pair.Value.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
            context.ReportDiagnostic(Create(Descriptors.LS1004_ThreadAffineLockAcrossAwait, site, info.Family, info.Key.DisplayName, LockFamilyTraits.DisplayName(info.Family), line.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        // LS1003: every normal path releases, an exception does not.
        foreach (var pair in result.ExceptionalExitLeaks.OrderBy(p => p.Key.Syntax.SpanStart))
        {
            var site = pair.Key;
            if (reported.Contains(site) || !IsReportableLeak(site, result, acquireHandOff, method, context.CancellationToken, out var info)
                || !result.ReleasedKeys.Contains(info.Key) || releasedInNested.Any(k => k.IsSameObject(info.Key)))
            {
                continue;
            }

            reported.Add(site);
            context.ReportDiagnostic(Create(Descriptors.LS1003_LockNotReleasedOnException, site, info.Family, info.Key.DisplayName, Throwers.Describe(pair.Value)));
        }

        // LS1002: a release on a path that does not hold the lock.
        if (!HandOff.IsReleaseMethod(method))
        {
            foreach (var pair in result.ReleasesNotHeld.OrderBy(p => p.Key.Syntax.SpanStart))
            {
                var (key, family, exceptional) = pair.Value;
                // Only where the body itself takes this object as the kind of lock it releases (every acquired key has a site).
                if (pair.Key.IsImplicit || result.UntrackableKeys.Contains(key) || !AcquiresSameKind(result, key, family))
                {
                    continue;
                }

                context.ReportDiagnostic(exceptional
                    ? Create(Descriptors.LS1002_ReleaseWithoutAcquireOnException, pair.Key, family, key.DisplayName)
                    : Create(Descriptors.LS1002_ReleaseWithoutAcquire, pair.Key, family, key.DisplayName, "on some path it was never acquired, or was already released"));
            }
        }
    }

    /// <summary>
    /// The body takes this object as the kind of lock it releases: `lock (_semaphore) { … } _semaphore.Release();` takes the
    /// semaphore object's monitor and releases a count of the semaphore, two locks the engine keys by one field.
    /// </summary>
    private static bool AcquiresSameKind(LockFlowResult result, LockKey key, LockFamily family)
    {
        foreach (var site in result.Sites.Values)
        {
            if (site.Family == family && site.Key.IsSameObject(key))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ReleasesSameObject(LockFlowResult result, LockKey key)
    {
        foreach (var released in result.ReleasedKeys)
        {
            if (released.IsSameObject(key))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsReportableLeak(IOperation site, LockFlowResult result, bool acquireHandOff, IMethodSymbol? method, CancellationToken cancellationToken, out AcquireSite info)
    {
        if (site.IsImplicit || !result.Sites.TryGetValue(site, out info) || acquireHandOff || result.UntrackableKeys.Contains(info.Key))
        {
            info = default;
            return false;
        }

        // Counting semaphores also signal between methods: pairing is checked only where the body pairs them itself.
        if ((LockFamilyTraits.IsCounting(info.Family) || info.Family == LockFamily.Annotated) && !result.ReleasedKeys.Contains(info.Key))
        {
            return false;
        }

        // The caller's lock (a parameter, or a lock read through one), taken and never released here on any path: the method's
        // job is to take it for the caller (`static void RetryEnter(object obj) { … Monitor.Enter(obj); … }`).
        if ((info.Key.Symbol is IParameterSymbol || info.Key.Receiver is IParameterSymbol) && !ReleasesSameObject(result, info.Key))
        {
            return false;
        }

        return !HandOff.HasReleaseOnlyTwin(info.Key, method, cancellationToken);
    }

    private static Diagnostic Create(DiagnosticDescriptor descriptor, IOperation operation, LockFamily family, params object[] arguments)
    {
        var properties = ImmutableDictionary<string, string?>.Empty.Add(FamilyProperty, family.ToString());
        return Diagnostic.Create(descriptor, operation.Syntax.GetLocation(), properties, arguments);
    }
}
