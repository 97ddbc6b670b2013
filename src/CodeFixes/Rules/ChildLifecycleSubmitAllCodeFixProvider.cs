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
/// LS4005: a <c>foreach</c> whose body only submits one item and waits for it (and maybe collects its
/// result) becomes "submit every item, then wait for all":
/// <code>
/// foreach (var x in xs) results.Add(await Task.Run(() => F(x)));
/// // becomes
/// var tasks = new List&lt;Task&lt;int&gt;&gt;();
/// foreach (var x in xs) tasks.Add(Task.Run(() => F(x)));
/// results.AddRange(await Task.WhenAll(tasks));
/// </code>
/// Only <c>foreach</c>: its variable is fresh on every pass, so the lambdas that now run later still
/// see their own item (a <c>for</c> counter would not be).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ChildLifecycleSubmitAllCodeFixProvider)), Shared]
public sealed class ChildLifecycleSubmitAllCodeFixProvider : CodeFixProvider
{
    public const string SubmitAllThenWaitKey = "Lockstep.ChildLifecycle.SubmitAllThenWait";

    private const string CollectionsNamespace = "System.Collections.Generic";
    private const string TasksNamespace = "System.Threading.Tasks";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.SubmitAndWaitInLoop);

    public override FixAllProvider GetFixAllProvider() => SubmitAllFixAllProvider.Instance;

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
            if (Plan(root, model, diagnostic, new HashSet<(SyntaxNode, string)>(), context.CancellationToken) is not { } plan)
            {
                continue;
            }

            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Submit every item, then wait for all",
                    async cancellationToken =>
                    {
                        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
                        plan.Apply(editor);
                        AddUsings(editor, plan.MissingNamespaces);
                        return editor.GetChangedDocument();
                    },
                    SubmitAllThenWaitKey),
                diagnostic);
        }
    }

    /// <summary>How the loop waited, which becomes how it waits for all.</summary>
    private enum WaitForm
    {
        Await,
        Result,
        Wait,
        GetResult,
    }

    private sealed class SubmitAllPlan
    {
        public SubmitAllPlan(Action<SyntaxEditor> apply, IReadOnlyList<string> missingNamespaces)
        {
            Apply = apply;
            MissingNamespaces = missingNamespaces;
        }

        public Action<SyntaxEditor> Apply { get; }
        public IReadOnlyList<string> MissingNamespaces { get; }
    }

    private static SubmitAllPlan? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, HashSet<(SyntaxNode Member, string Name)> reserved, CancellationToken cancellationToken)
    {
        var waitNode = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (waitNode.FirstAncestorOrSelf<StatementSyntax>()?.Parent is not { } container
            || (container is BlockSyntax ? container.Parent : container) is not ForEachStatementSyntax loop
            || loop.Parent is not (BlockSyntax or SwitchSectionSyntax)
            || !loop.AwaitKeyword.IsKind(SyntaxKind.None)
            || loop.FirstAncestorOrSelf<MemberDeclarationSyntax>() is not { } member)
        {
            return null;
        }

        var statements = loop.Statement is BlockSyntax body ? body.Statements.ToList() : new List<StatementSyntax> { loop.Statement };
        if (!TryMatchBody(statements, out var waited, out var collection))
        {
            return null;
        }

        if (waited.Span != diagnostic.Location.SourceSpan
            || !TryMatchWait(waited, out var submitSyntax, out var form, out var configureAwait)
            || model.GetOperation(submitSyntax, cancellationToken) is not IInvocationOperation submit
            || LifecycleCatalog.For(model.Compilation).ClassifySubmit(submit) == SubmitKind.None
            || submit.Type is not INamedTypeSymbol taskType)
        {
            return null;
        }

        var resultType = taskType.TypeArguments.Length == 1 ? taskType.TypeArguments[0] : null;
        if (collection is not null && (resultType is null || !AddRangeAccepts(model.GetTypeInfo(collection, cancellationToken).Type, resultType)))
        {
            return null;
        }

        if (collection is null && form == WaitForm.Result)
        {
            return null;
        }

        var position = loop.SpanStart;
        var missing = new List<string>();
        if (!Resolves(model, position, "List", 1, CollectionsNamespace))
        {
            missing.Add(CollectionsNamespace);
        }

        if (!Resolves(model, position, "Task", 0, TasksNamespace))
        {
            missing.Add(TasksNamespace);
        }

        // A result type that cannot be written down (an anonymous type) leaves nothing to declare the list with.
        var resultTypeName = resultType?.ToMinimalDisplayString(model, position);
        if (resultType is not null && (ParseTypeName(resultTypeName!).ContainsDiagnostics || ContainsAnonymousType(resultType)))
        {
            return null;
        }

        var name = FreeName(member, model, position, reserved);
        var taskTypeName = resultType is null ? "Task" : "Task<" + resultTypeName + ">";
        var declaration = ParseStatement("var " + name + " = new List<" + taskTypeName + ">();");
        var add = ParseStatement(name + ".Add(" + submitSyntax.WithoutTrivia().ToFullString() + ");");
        var configure = configureAwait is null ? string.Empty : ".ConfigureAwait(" + configureAwait.ToFullString() + ")";
        var all = form switch
        {
            WaitForm.Await => "await Task.WhenAll(" + name + ")" + configure,
            WaitForm.Result => "Task.WhenAll(" + name + ").Result",
            WaitForm.GetResult => "Task.WhenAll(" + name + ").GetAwaiter().GetResult()",
            _ => "Task.WaitAll(" + name + ".ToArray())",
        };
        var after = ParseStatement(collection is null ? all + ";" : collection.WithoutTrivia().ToFullString() + ".AddRange(" + all + ");");

        return new SubmitAllPlan(
            editor =>
            {
                // Laid out by hand, like the loop: blank lines above the loop now come before the declaration,
                // and a blank line follows the loop's closing brace.
                var leading = loop.GetLeadingTrivia();
                var blank = 0;
                while (blank < leading.Count && (leading[blank].IsKind(SyntaxKind.EndOfLineTrivia)
                    || (leading[blank].IsKind(SyntaxKind.WhitespaceTrivia) && blank + 1 < leading.Count && leading[blank + 1].IsKind(SyntaxKind.EndOfLineTrivia))))
                {
                    blank++;
                }

                var indentation = leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia) ? leading[leading.Count - 1] : Whitespace(string.Empty);
                var lineBreak = LineBreak(loop);
                editor.InsertBefore(loop, declaration.WithLeadingTrivia(leading.Take(blank).Concat(new[] { indentation })).WithTrailingTrivia(lineBreak));
                if (blank > 0)
                {
                    editor.ReplaceNode(loop, (current, _) => current.WithLeadingTrivia(current.GetLeadingTrivia().Skip(blank)));
                }

                var afterLeading = loop.Statement is BlockSyntax ? new[] { lineBreak, indentation } : new[] { indentation };
                editor.InsertAfter(loop, after.WithLeadingTrivia(afterLeading).WithTrailingTrivia(lineBreak));

                if (loop.Statement is BlockSyntax block)
                {
                    var first = block.Statements[0];
                    var last = block.Statements[block.Statements.Count - 1];
                    var replacement = add.WithLeadingTrivia(first.GetLeadingTrivia()).WithTrailingTrivia(last.GetTrailingTrivia());
                    editor.ReplaceNode(block, block.WithStatements(SingletonList(replacement)));
                }
                else
                {
                    editor.ReplaceNode(loop.Statement, add.WithTriviaFrom(loop.Statement));
                }
            },
            missing);
    }

    private static SyntaxTrivia LineBreak(SyntaxNode node)
    {
        var lineBreak = node.GetTrailingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        return lineBreak.IsKind(SyntaxKind.EndOfLineTrivia) ? lineBreak : CarriageReturnLineFeed;
    }

    /// <summary>
    /// The body is the submit-and-wait alone (<c>await …;</c>, <c>….Wait();</c>), its result added to a
    /// collection (<c>results.Add(await …);</c>), or assigned to a local that is then added (<c>var r = …; results.Add(r);</c>).
    /// </summary>
    private static bool TryMatchBody(List<StatementSyntax> statements, out ExpressionSyntax waited, out ExpressionSyntax? collection)
    {
        waited = null!;
        collection = null;
        switch (statements.Count)
        {
            case 1 when statements[0] is ExpressionStatementSyntax { Expression: var expression }:
                if (expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Add" } addAccess } addCall
                    && addCall.ArgumentList.Arguments.Count == 1 && IsStableReceiver(addAccess.Expression))
                {
                    waited = addCall.ArgumentList.Arguments[0].Expression;
                    collection = addAccess.Expression;
                    return true;
                }

                waited = expression;
                return true;

            case 2 when statements[0] is LocalDeclarationStatementSyntax { Declaration.Variables: { Count: 1 } variables }
                && variables[0].Initializer is { } initializer
                && statements[1] is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Add" } access } add }
                && add.ArgumentList.Arguments.Count == 1
                && add.ArgumentList.Arguments[0].Expression is IdentifierNameSyntax local
                && local.Identifier.ValueText == variables[0].Identifier.ValueText
                && IsStableReceiver(access.Expression)
                && !access.Expression.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(n => n.Identifier.ValueText == local.Identifier.ValueText):
                waited = initializer.Value;
                collection = access.Expression;
                return true;

            default:
                return false;
        }
    }

    private static bool ContainsAnonymousType(ITypeSymbol type) => type switch
    {
        { IsAnonymousType: true } => true,
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsAnonymousType),
        IArrayTypeSymbol array => ContainsAnonymousType(array.ElementType),
        _ => false,
    };

    private static bool IsStableReceiver(ExpressionSyntax expression)
        => expression is IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax };

    /// <summary>Splits <c>await S</c>, <c>await S.ConfigureAwait(x)</c>, <c>S.Result</c>, <c>S.Wait()</c>, <c>S.GetAwaiter().GetResult()</c>.</summary>
    private static bool TryMatchWait(ExpressionSyntax waited, out InvocationExpressionSyntax submit, out WaitForm form, out ExpressionSyntax? configureAwait)
    {
        submit = null!;
        form = default;
        configureAwait = null;
        ExpressionSyntax? task;
        switch (waited)
        {
            case AwaitExpressionSyntax { Expression: var awaited }:
                form = WaitForm.Await;
                task = awaited;
                if (awaited is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } configure } configureCall
                    && configureCall.ArgumentList.Arguments.Count == 1)
                {
                    configureAwait = configureCall.ArgumentList.Arguments[0].Expression;
                    task = configure.Expression;
                }

                break;
            case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Result" } result:
                form = WaitForm.Result;
                task = result.Expression;
                break;
            case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Wait" } wait, ArgumentList.Arguments.Count: 0 }:
                form = WaitForm.Wait;
                task = wait.Expression;
                break;
            case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "GetResult", Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "GetAwaiter" } awaiter } } }:
                form = WaitForm.GetResult;
                task = awaiter.Expression;
                break;
            default:
                return false;
        }

        if (task is not InvocationExpressionSyntax invocation)
        {
            return false;
        }

        submit = invocation;
        return true;
    }

    /// <summary>The collection has <c>AddRange(IEnumerable&lt;T&gt;)</c> for exactly the result type (a <c>List&lt;T&gt;</c>).</summary>
    private static bool AddRangeAccepts(ITypeSymbol? collection, ITypeSymbol element)
    {
        for (var type = collection; type is not null; type = type.BaseType)
        {
            foreach (var method in type.GetMembers("AddRange").OfType<IMethodSymbol>())
            {
                if (method.Parameters.Length == 1 && method.Parameters[0].Type is INamedTypeSymbol { Name: "IEnumerable", TypeArguments.Length: 1 } enumerable
                    && SymbolEqualityComparer.Default.Equals(enumerable.TypeArguments[0], element))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool Resolves(SemanticModel model, int position, string name, int arity, string expectedNamespace)
        => model.LookupNamespacesAndTypes(position, name: name).OfType<INamedTypeSymbol>()
            .Any(t => t.Arity == arity && t.ContainingNamespace?.ToDisplayString() == expectedNamespace);

    /// <summary>"tasks", or "tasks2"… when that name is taken anywhere in the member (or by another fix of the same Fix All).</summary>
    private static string FreeName(MemberDeclarationSyntax member, SemanticModel model, int position, HashSet<(SyntaxNode Member, string Name)> reserved)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in member.DescendantNodes())
        {
            switch (node)
            {
                case VariableDeclaratorSyntax variable:
                    taken.Add(variable.Identifier.ValueText);
                    break;
                case SingleVariableDesignationSyntax designation:
                    taken.Add(designation.Identifier.ValueText);
                    break;
                case ParameterSyntax parameter:
                    taken.Add(parameter.Identifier.ValueText);
                    break;
                case ForEachStatementSyntax forEach:
                    taken.Add(forEach.Identifier.ValueText);
                    break;
            }
        }

        for (var i = 1; ; i++)
        {
            var name = i == 1 ? "tasks" : "tasks" + i;
            if (!taken.Contains(name) && model.LookupSymbols(position, name: name).IsEmpty && reserved.Add((member, name)))
            {
                return name;
            }
        }
    }

    private static void AddUsings(SyntaxEditor editor, IEnumerable<string> namespaces)
    {
        var wanted = namespaces.Distinct().ToList();
        if (wanted.Count == 0)
        {
            return;
        }

        editor.ReplaceNode(editor.OriginalRoot, (current, _) =>
        {
            if (current is not CompilationUnitSyntax unit)
            {
                return current;
            }

            foreach (var name in wanted)
            {
                if (unit.Usings.Any(u => u.Name?.ToString() == name))
                {
                    continue;
                }

                var lineBreak = unit.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
                var directive = UsingDirective(ParseName(name))
                    .WithTrailingTrivia(lineBreak.IsKind(SyntaxKind.EndOfLineTrivia) ? lineBreak : ElasticCarriageReturnLineFeed)
                    .WithAdditionalAnnotations(Formatter.Annotation);
                var index = 0;
                while (index < unit.Usings.Count && unit.Usings[index].StaticKeyword.IsKind(SyntaxKind.None) && unit.Usings[index].Alias is null
                    && SystemFirst(unit.Usings[index].Name?.ToString() ?? string.Empty, name) < 0)
                {
                    index++;
                }

                unit = unit.WithUsings(unit.Usings.Insert(index, directive));
            }

            return unit;
        });
    }

    /// <summary>The order of <c>dotnet_sort_system_directives_first</c>: System namespaces, then the rest, each alphabetical.</summary>
    private static int SystemFirst(string left, string right)
    {
        static bool IsSystem(string name) => name == "System" || name.StartsWith("System.", StringComparison.Ordinal);
        var bySystem = (IsSystem(left) ? 0 : 1).CompareTo(IsSystem(right) ? 0 : 1);
        return bySystem != 0 ? bySystem : string.CompareOrdinal(left, right);
    }

    /// <summary>Fix All: every loop's plan made on the unchanged document, names kept apart, usings added once.</summary>
    private sealed class SubmitAllFixAllProvider : DocumentBasedFixAllProvider
    {
        public static readonly SubmitAllFixAllProvider Instance = new();

        protected override string GetFixAllTitle(FixAllContext fixAllContext) => "Submit every item, then wait for all";

        protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            var root = await document.GetSyntaxRootAsync(fixAllContext.CancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(fixAllContext.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return document;
            }

            var editor = await DocumentEditor.CreateAsync(document, fixAllContext.CancellationToken).ConfigureAwait(false);
            var reserved = new HashSet<(SyntaxNode, string)>();
            var namespaces = new List<string>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                if (Plan(root, model, diagnostic, reserved, fixAllContext.CancellationToken) is { } plan)
                {
                    plan.Apply(editor);
                    namespaces.AddRange(plan.MissingNamespaces);
                }
            }

            AddUsings(editor, namespaces);
            return editor.GetChangedDocument();
        }
    }
}
