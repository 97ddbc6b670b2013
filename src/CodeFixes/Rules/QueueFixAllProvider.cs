using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Lockstep.CodeFixes.Rules;

/// <summary>Plans one queue fix on a document as it stands: the new document, or null when the shape is not one the fix knows.</summary>
internal delegate Task<Document?> QueueFix(Document document, SyntaxNode anchor, ImmutableDictionary<string, string?> properties, CancellationToken cancellationToken);

/// <summary>
/// Fix All for the queue fixes. Their rewrites can nest (a guarded <c>if</c> inside another one's region,
/// two gets in one block), so the diagnostics are fixed one at a time, last first, each re-planned on the
/// document as it stands; the node each diagnostic points at is found again through an annotation.
/// </summary>
internal sealed class QueueFixAllProvider : DocumentBasedFixAllProvider
{
    private const string AnnotationKind = "LockstepQueueFix";

    private readonly string _title;
    private readonly QueueFix _fix;

    public QueueFixAllProvider(string title, QueueFix fix)
    {
        _title = title;
        _fix = fix;
    }

    /// <summary>The node a diagnostic points at: the innermost node with exactly its span.</summary>
    public static SyntaxNode? Anchor(SyntaxNode root, Diagnostic diagnostic)
    {
        var span = diagnostic.Location.SourceSpan;
        if (!root.FullSpan.Contains(span))
        {
            return null;
        }

        var node = root.FindNode(span, getInnermostNodeForTie: true);
        return node.Span == span ? node : null;
    }

    protected override string GetFixAllTitle(FixAllContext fixAllContext) => _title;

    protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        var cancellationToken = fixAllContext.CancellationToken;
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var marks = new List<(SyntaxAnnotation Annotation, Diagnostic Diagnostic)>();
        var anchors = new Dictionary<SyntaxNode, SyntaxAnnotation>();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            if (Anchor(root, diagnostic) is not { } anchor || anchors.ContainsKey(anchor))
            {
                continue;
            }

            var annotation = new SyntaxAnnotation(AnnotationKind, marks.Count.ToString(CultureInfo.InvariantCulture));
            anchors[anchor] = annotation;
            marks.Add((annotation, diagnostic));
        }

        document = document.WithSyntaxRoot(root.ReplaceNodes(anchors.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(anchors[original])));
        for (var i = marks.Count - 1; i >= 0; i--)
        {
            var current = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (current?.GetAnnotatedNodes(marks[i].Annotation).FirstOrDefault() is not { } anchor)
            {
                continue;
            }

            if (await _fix(document, anchor, marks[i].Diagnostic.Properties, cancellationToken).ConfigureAwait(false) is { } fixedDocument)
            {
                document = fixedDocument;
            }
        }

        return document;
    }
}
