using System.Collections.Immutable;
using Lockstep.Analyzers.Catalog;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Lockstep.Analyzers.Rules;

/// <summary>
/// LS1001–LS1004: locks that are acquired and not given back.
/// <code>
/// Monitor.Enter(_gate);
/// if (done) return;          // LS1001: this return leaves _gate held
/// Monitor.Exit(_gate);
/// </code>
/// Good: <c>lock (_gate) { if (done) return; }</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LockPairingAnalyzer : DiagnosticAnalyzer
{
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
            var catalog = new PrimitiveCatalog(WellKnownTypes.Create(start.Compilation));
            if (catalog.IsEmpty)
            {
                return;
            }

            start.RegisterOperationBlockStartAction(block =>
            {
                var acquires = new List<(IInvocationOperation Invocation, LockOperation Op)>();
                var releases = new List<LockOperation>();
                block.RegisterOperationAction(
                    operationContext =>
                    {
                        var invocation = (IInvocationOperation)operationContext.Operation;
                        if (!catalog.TryClassify(invocation, out var op))
                        {
                            return;
                        }

                        lock (acquires)
                        {
                            if (op.IsAcquire)
                            {
                                acquires.Add((invocation, op));
                            }
                            else
                            {
                                releases.Add(op);
                            }
                        }
                    },
                    OperationKind.Invocation);
                block.RegisterOperationBlockEndAction(end =>
                {
                    foreach (var (invocation, op) in acquires)
                    {
                        var symbol = Symbol(op.LockObject);
                        if (op.Kind != LockOpKind.Acquire || op.ReturnsScope || symbol is null)
                        {
                            continue;
                        }

                        if (!releases.Any(r => SymbolEqualityComparer.Default.Equals(Symbol(r.LockObject), symbol)))
                        {
                            end.ReportDiagnostic(Diagnostic.Create(Descriptors.LS1001_LockNotReleased, invocation.Syntax.GetLocation(), symbol.Name, "the end of the method"));
                        }
                    }
                });
            });
        });
    }

    private static ISymbol? Symbol(IOperation? operation) => operation switch
    {
        IConversionOperation conversion => Symbol(conversion.Operand),
        IFieldReferenceOperation field => field.Field,
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IPropertyReferenceOperation property => property.Property,
        _ => null,
    };
}
