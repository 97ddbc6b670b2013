using System.Collections.Immutable;
using System.Composition;
using Lockstep.Analyzers;
using Lockstep.Analyzers.Catalog;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Lockstep.CodeFixes.Rules;

/// <summary>
/// LS4001: wait for the child right after terminating it. LS4002: set <c>IsDaemon</c> just before
/// <c>Start()</c>. LS4003: join the child at the end of the block that started it. Each fix is planned
/// on the unchanged document and offered only when it keeps the code's meaning; Fix All applies every
/// plan of one kind to one editor.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ChildLifecycleCodeFixProvider)), Shared]
public sealed class ChildLifecycleCodeFixProvider : CodeFixProvider
{
    public const string JoinAfterTerminateKey = "Lockstep.ChildLifecycle.JoinAfterTerminate";
    public const string DaemonBeforeStartKey = "Lockstep.ChildLifecycle.DaemonBeforeStart";
    public const string JoinAtEndOfScopeKey = "Lockstep.ChildLifecycle.JoinAtEndOfScope";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        RuleIds.TerminatedChildNotJoined, RuleIds.DaemonSetAfterStart, RuleIds.StartedChildNeverJoined);

    public override FixAllProvider GetFixAllProvider() => EditorFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (Plan(root, model, diagnostic, context.CancellationToken) is not { } plan)
            {
                continue;
            }

            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(
                    plan.Title,
                    async cancellationToken =>
                    {
                        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
                        plan.Apply(editor);
                        return editor.GetChangedDocument();
                    },
                    plan.Key),
                diagnostic);
        }
    }

    internal static LifecycleEdit? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        try
        {
            return diagnostic.Id switch
            {
                RuleIds.TerminatedChildNotJoined => PlanJoinAfterTerminate(root, model, diagnostic, cancellationToken),
                RuleIds.DaemonSetAfterStart => PlanDaemonBeforeStart(root, model, diagnostic, cancellationToken),
                RuleIds.StartedChildNeverJoined => PlanJoinAtEndOfScope(root, model, diagnostic, cancellationToken),
                _ => null,
            };
        }
        catch (InvalidCastException)
        {
            // Code the plan did not expect: no fix rather than a crash.
            return null;
        }
    }

    // ---------------------------------------------------------------- LS4001

    /// <summary><c>p.Kill();</c> → <c>p.Kill(); p.WaitForExit();</c> (awaited in async code, timed when the method already times its waits).</summary>
    private static LifecycleEdit? PlanJoinAfterTerminate(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (CallStatement(root, diagnostic) is not { } call
            || model.GetOperation(call.Invocation, cancellationToken) is not IInvocationOperation invocation
            || LifecycleCatalog.For(model.Compilation) is not { } catalog
            || catalog.Classify(invocation).Kind != LifecycleCallKind.Terminate
            || !catalog.TryGetChildKind(invocation.Instance?.Type, out var kind)
            || SimpleReceiver(call.Invocation) is not { } receiver
            || !CanHoldStatements(call.Statement))
        {
            return null;
        }

        var isAsync = IsInAsyncFunction(call.Statement, model, cancellationToken);
        var asyncName = kind == ChildKind.Process ? "WaitForExitAsync" : "JoinAsync";
        var syncName = kind == ChildKind.Process ? "WaitForExit" : "Join";
        ExpressionSyntax wait;
        if (isAsync && HasParameterlessOverload(invocation.Instance!.Type!, asyncName))
        {
            wait = AwaitExpression(Call(receiver, asyncName));
        }
        else if (!isAsync && TimeoutInUse(call.Statement, invocation.Instance!.Type!, syncName, model, catalog, cancellationToken) is { } timeout)
        {
            wait = Call(receiver, syncName, timeout);
        }
        else
        {
            wait = Call(receiver, syncName);
        }

        var join = ExpressionStatement(wait);
        var title = "Wait for '" + receiver + "' to exit after terminating it";
        if (call.Statement.Parent is BlockSyntax or SwitchSectionSyntax)
        {
            return new LifecycleEdit(title, JoinAfterTerminateKey, call.Statement, after: true, join);
        }

        // An embedded statement (`if (x) p.Kill();`) becomes a block.
        var statement = call.Statement;
        return new LifecycleEdit(title, JoinAfterTerminateKey, editor => editor.ReplaceNode(statement, (current, _) => Block(((StatementSyntax)current).WithoutTrivia(), join)
            .WithLeadingTrivia(current.GetLeadingTrivia())
            .WithTrailingTrivia(current.GetTrailingTrivia())
            .WithAdditionalAnnotations(Formatter.Annotation)));
    }

    /// <summary>
    /// The timeout of a timed wait the method already makes (<c>p.WaitForExit(5000)</c>,
    /// <c>w.Join(timeout)</c>), when the same expression means the same thing after the terminate.
    /// </summary>
    private static ExpressionSyntax? TimeoutInUse(StatementSyntax terminate, ITypeSymbol childType, string waitName, SemanticModel model, LifecycleCatalog catalog, CancellationToken cancellationToken)
    {
        var body = terminate.FirstAncestorOrSelf<MemberDeclarationSyntax>();
        if (body is null)
        {
            return null;
        }

        foreach (var invocation in body.DescendantNodes().OfType<InvocationExpressionSyntax>())
        {
            if (invocation.ArgumentList.Arguments.Count != 1
                || model.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation
                || catalog.Classify(operation) is not { Kind: LifecycleCallKind.Join, IsTimed: true })
            {
                continue;
            }

            // The same timeout must fit a wait of this child (Process takes milliseconds or a TimeSpan, Lockstep a TimeSpan).
            var timeout = invocation.ArgumentList.Arguments[0].Expression;
            if (IsPortable(timeout, terminate.SpanStart, model, cancellationToken)
                && model.GetTypeInfo(timeout, cancellationToken).Type is { } timeoutType
                && HasOverloadTaking(childType, waitName, timeoutType, model.Compilation))
            {
                return timeout.WithoutTrivia();
            }
        }

        return null;
    }

    /// <summary>A literal, a constant, or names that mean the same at <paramref name="position"/> and are not recomputed (no calls but <c>TimeSpan.FromX</c>).</summary>
    private static bool IsPortable(ExpressionSyntax expression, int position, SemanticModel model, CancellationToken cancellationToken)
    {
        if (model.GetConstantValue(expression, cancellationToken).HasValue)
        {
            return true;
        }

        foreach (var node in expression.DescendantNodesAndSelf())
        {
            switch (node)
            {
                case InvocationExpressionSyntax invocation:
                    if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol { IsStatic: true, ContainingType.Name: "TimeSpan" })
                    {
                        return false;
                    }

                    break;
                case IdentifierNameSyntax identifier:
                    var symbol = model.GetSymbolInfo(identifier, cancellationToken).Symbol;
                    if (symbol is ILocalSymbol or IParameterSymbol or IFieldSymbol or IPropertySymbol
                        && !model.LookupSymbols(position, name: identifier.Identifier.ValueText).Contains(symbol, SymbolEqualityComparer.Default))
                    {
                        return false;
                    }

                    break;
            }
        }

        return true;
    }

    // ---------------------------------------------------------------- LS4002

    /// <summary><c>w.Start(); w.IsDaemon = true;</c> → <c>w.IsDaemon = true; w.Start();</c>.</summary>
    private static LifecycleEdit? PlanDaemonBeforeStart(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (diagnostic.AdditionalLocations.Count != 1
            || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { } assignmentStatement
            || assignmentStatement.Expression is not AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment
            || CallStatement(root, diagnostic.AdditionalLocations[0]) is not { } start
            || start.Statement.Parent is not BlockSyntax block
            || assignmentStatement.Parent != block
            || block.Statements.IndexOf(start.Statement) is var startIndex && startIndex < 0
            || block.Statements.IndexOf(assignmentStatement) is var assignmentIndex && assignmentIndex <= startIndex)
        {
            return null;
        }

        // The value must mean the same before the start: nothing between the two statements may change what it reads.
        var between = block.Statements.Skip(startIndex).Take(assignmentIndex - startIndex).ToList();
        if (!IsPortable(assignment.Right, start.Statement.SpanStart, model, cancellationToken)
            || assignment.Right.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(name => IsWrittenIn(name, between, model, cancellationToken)))
        {
            return null;
        }

        // Same block, same indentation: the statement moves with its comments and layout.
        var moved = assignmentStatement;
        return new LifecycleEdit(
            "Set IsDaemon before Start()",
            DaemonBeforeStartKey,
            editor =>
            {
                editor.RemoveNode(assignmentStatement, SyntaxRemoveOptions.KeepUnbalancedDirectives);
                editor.InsertBefore(start.Statement, moved);
            });
    }

    private static bool IsWrittenIn(IdentifierNameSyntax name, IReadOnlyList<StatementSyntax> statements, SemanticModel model, CancellationToken cancellationToken)
    {
        var symbol = model.GetSymbolInfo(name, cancellationToken).Symbol;
        if (symbol is null)
        {
            return true;
        }

        foreach (var statement in statements)
        {
            foreach (var node in statement.DescendantNodesAndSelf())
            {
                var target = node switch
                {
                    AssignmentExpressionSyntax written => written.Left,
                    PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression } prefix => prefix.Operand,
                    PostfixUnaryExpressionSyntax postfix => postfix.Operand,
                    ArgumentSyntax { RefKindKeyword.RawKind: not 0 } argument => argument.Expression,
                    InvocationExpressionSyntax => node,
                    _ => null,
                };

                if (target is InvocationExpressionSyntax && symbol is IFieldSymbol or IPropertySymbol)
                {
                    // A call may change a field or property.
                    return true;
                }

                if (target is not null and not InvocationExpressionSyntax && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(target, cancellationToken).Symbol, symbol))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // ---------------------------------------------------------------- LS4003

    /// <summary><c>var w = …; w.Start(); …</c> → <c>…; w.Join();</c> at the end of the block that starts it (before a final jump).</summary>
    private static LifecycleEdit? PlanJoinAtEndOfScope(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (CallStatement(root, diagnostic) is not { } start
            || start.Statement.Parent is not BlockSyntax block
            || model.GetOperation(start.Invocation, cancellationToken) is not IInvocationOperation invocation
            || LifecycleCatalog.For(model.Compilation) is not { } catalog
            || catalog.Classify(invocation) is not { Kind: LifecycleCallKind.Start, Target: { } target }
            || !catalog.TryGetChildKind(target.Type, out var kind)
            || SimpleReceiver(start.Invocation) is not IdentifierNameSyntax receiver
            || model.GetSymbolInfo(receiver, cancellationToken).Symbol is not ILocalSymbol local
            || IsRecreatedByEnclosingLoop(start.Statement, local, cancellationToken))
        {
            return null;
        }

        var isAsync = IsInAsyncFunction(start.Statement, model, cancellationToken) && kind == ChildKind.Lockstep;
        var join = ExpressionStatement(isAsync ? AwaitExpression(Call(receiver, "JoinAsync")) : Call(receiver, "Join"));
        var last = block.Statements.Last();
        var beforeJump = last is ReturnStatementSyntax or ThrowStatementSyntax or BreakStatementSyntax or ContinueStatementSyntax or GotoStatementSyntax or YieldStatementSyntax;
        if (beforeJump && last == start.Statement)
        {
            return null;
        }

        return new LifecycleEdit(
            "Join '" + receiver.Identifier.ValueText + "' at the end of the block",
            JoinAtEndOfScopeKey,
            last,
            after: !beforeJump,
            join);
    }

    /// <summary>A loop around the start also declares the local: joining at the end of its body would run the children one at a time.</summary>
    private static bool IsRecreatedByEnclosingLoop(StatementSyntax start, ILocalSymbol local, CancellationToken cancellationToken)
    {
        var declaration = local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken);
        foreach (var ancestor in start.Ancestors())
        {
            if (ancestor is MemberDeclarationSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
            {
                return false;
            }

            if (ancestor is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax
                && (declaration is null || ancestor.Span.Contains(declaration.Span)))
            {
                return true;
            }
        }

        return false;
    }

    // ---------------------------------------------------------------- shared

    private readonly struct CallSite
    {
        public CallSite(ExpressionStatementSyntax statement, InvocationExpressionSyntax invocation)
        {
            Statement = statement;
            Invocation = invocation;
        }

        public ExpressionStatementSyntax Statement { get; }
        public InvocationExpressionSyntax Invocation { get; }
    }

    private static CallSite? CallStatement(SyntaxNode root, Diagnostic diagnostic) => CallStatement(root, diagnostic.Location);

    /// <summary>The call at a location, when it is a statement of its own (<c>x.Kill();</c>).</summary>
    private static CallSite? CallStatement(SyntaxNode root, Location location)
    {
        if (!location.IsInSource || location.SourceTree != root.SyntaxTree)
        {
            return null;
        }

        var node = root.FindNode(location.SourceSpan, getInnermostNodeForTie: true);
        var invocation = node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
        return invocation?.Parent is ExpressionStatementSyntax statement ? new CallSite(statement, invocation) : null;
    }

    /// <summary>The receiver of <c>x.M()</c> when it names a variable or field (<c>x</c>, <c>this.x</c>, <c>_x</c>), not a computed value.</summary>
    private static ExpressionSyntax? SimpleReceiver(InvocationExpressionSyntax invocation)
        => invocation.Expression is MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax } } access
            ? access.Expression
            : null;

    private static bool CanHoldStatements(StatementSyntax statement)
        => statement.Parent is BlockSyntax or SwitchSectionSyntax or IfStatementSyntax or ElseClauseSyntax or WhileStatementSyntax
            or ForStatementSyntax or CommonForEachStatementSyntax or DoStatementSyntax or UsingStatementSyntax or LockStatementSyntax;

    /// <summary>A new statement for the formatter to indent, ending with the line break <paramref name="neighbour"/> ends with.</summary>
    internal static StatementSyntax Formatted(StatementSyntax statement, SyntaxNode neighbour)
    {
        var lineBreak = neighbour.GetTrailingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        if (!lineBreak.IsKind(SyntaxKind.EndOfLineTrivia))
        {
            lineBreak = neighbour.SyntaxTree.GetRoot().DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        }

        return statement.WithLeadingTrivia(ElasticMarker)
            .WithTrailingTrivia(lineBreak.IsKind(SyntaxKind.EndOfLineTrivia) ? lineBreak : ElasticCarriageReturnLineFeed)
            .WithAdditionalAnnotations(Formatter.Annotation);
    }

    private static InvocationExpressionSyntax Call(ExpressionSyntax receiver, string name, params ExpressionSyntax[] arguments)
        => InvocationExpression(
            MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver.WithoutTrivia(), IdentifierName(name)),
            ArgumentList(SeparatedList(arguments.Select(Argument))));

    private static bool HasOverloadTaking(ITypeSymbol type, string name, ITypeSymbol argument, Compilation compilation)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.GetMembers(name).OfType<IMethodSymbol>().Any(m => m.Parameters.Length == 1 && compilation.ClassifyConversion(argument, m.Parameters[0].Type).IsImplicit))
            {
                return true;
            }
        }

        return type.AllInterfaces.Any(i => i.GetMembers(name).OfType<IMethodSymbol>().Any(m => m.Parameters.Length == 1 && compilation.ClassifyConversion(argument, m.Parameters[0].Type).IsImplicit));
    }

    private static bool HasParameterlessOverload(ITypeSymbol type, string name)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.GetMembers(name).OfType<IMethodSymbol>().Any(m => m.Parameters.All(p => p.HasExplicitDefaultValue || p.IsParams)))
            {
                return true;
            }
        }

        return type.AllInterfaces.Any(i => i.GetMembers(name).OfType<IMethodSymbol>().Any(m => m.Parameters.All(p => p.HasExplicitDefaultValue)));
    }

    /// <summary>The statement runs in an <c>async</c> method, lambda or local function (so <c>await</c> is allowed there).</summary>
    internal static bool IsInAsyncFunction(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                case AnonymousFunctionExpressionSyntax lambda:
                    return lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword);
                case LocalFunctionStatementSyntax localFunction:
                    return localFunction.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case MethodDeclarationSyntax method:
                    return method.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case MemberDeclarationSyntax:
                    return false;
                case LockStatementSyntax:
                    // No await inside a lock statement.
                    return false;
            }
        }

        return false;
    }

    /// <summary>Fix All: every plan of the chosen kind, made on the unchanged document, applied to one editor.</summary>
    private sealed class EditorFixAllProvider : DocumentBasedFixAllProvider
    {
        public static readonly EditorFixAllProvider Instance = new();

        protected override string GetFixAllTitle(FixAllContext fixAllContext) => fixAllContext.CodeActionEquivalenceKey switch
        {
            JoinAfterTerminateKey => "Wait for every terminated child",
            DaemonBeforeStartKey => "Set IsDaemon before Start() everywhere",
            _ => "Join every started child at the end of its block",
        };

        protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            var root = await document.GetSyntaxRootAsync(fixAllContext.CancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(fixAllContext.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return document;
            }

            var editor = await DocumentEditor.CreateAsync(document, fixAllContext.CancellationToken).ConfigureAwait(false);
            var insertions = new Dictionary<(StatementSyntax Anchor, bool After), List<StatementSyntax>>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                if (Plan(root, model, diagnostic, fixAllContext.CancellationToken) is not { } plan || plan.Key != fixAllContext.CodeActionEquivalenceKey)
                {
                    continue;
                }

                if (plan.Anchor is { } anchor)
                {
                    // Several joins at the end of one block: one insertion, in source order.
                    if (!insertions.TryGetValue((anchor, plan.After), out var list))
                    {
                        list = new List<StatementSyntax>();
                        insertions[(anchor, plan.After)] = list;
                    }

                    list.Add(plan.Inserted!);
                }
                else
                {
                    plan.Apply(editor);
                }
            }

            foreach (var pair in insertions)
            {
                LifecycleEdit.Insert(editor, pair.Key.Anchor, pair.Key.After, pair.Value);
            }

            return editor.GetChangedDocument();
        }
    }
}

/// <summary>
/// One planned fix: its title, its equivalence key, and the edit it makes — either a statement inserted
/// next to an anchor (Fix All batches those per anchor, to keep them in source order) or any other edit.
/// </summary>
internal sealed class LifecycleEdit
{
    private readonly Action<SyntaxEditor>? _custom;

    public LifecycleEdit(string title, string key, Action<SyntaxEditor> apply)
    {
        Title = title;
        Key = key;
        _custom = apply;
    }

    public LifecycleEdit(string title, string key, StatementSyntax anchor, bool after, StatementSyntax inserted)
    {
        Title = title;
        Key = key;
        Anchor = anchor;
        After = after;
        Inserted = inserted;
    }

    public string Title { get; }
    public string Key { get; }
    public StatementSyntax? Anchor { get; }
    public bool After { get; }
    public StatementSyntax? Inserted { get; }

    public void Apply(SyntaxEditor editor)
    {
        if (_custom is not null)
        {
            _custom(editor);
        }
        else
        {
            Insert(editor, Anchor!, After, new[] { Inserted! });
        }
    }

    public static void Insert(SyntaxEditor editor, StatementSyntax anchor, bool after, IEnumerable<StatementSyntax> statements)
    {
        var formatted = statements.Select(s => ChildLifecycleCodeFixProvider.Formatted(s, anchor)).ToList();
        if (after)
        {
            editor.InsertAfter(anchor, formatted);
        }
        else
        {
            editor.InsertBefore(anchor, formatted);
        }
    }
}
