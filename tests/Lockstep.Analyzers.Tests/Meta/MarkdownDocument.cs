using System.Text.RegularExpressions;

namespace Lockstep.Analyzers.Tests.Meta;

/// <summary>A fenced code block: its info string split into language and tags, the section it sits in, its text.</summary>
internal sealed record CodeBlock(string Language, IReadOnlyList<string> Tags, string Section, int Line, string Code)
{
    public bool HasTag(string tag) => Tags.Contains(tag, StringComparer.Ordinal);

    public override string ToString() => "```" + Language + " block at line " + Line + " (" + Section + ")";
}

/// <summary>
/// Just enough Markdown for the meta tests: headings, fenced code blocks, and pipe tables, all outside
/// code fences. Sections are named by their <c>##</c> heading.
/// </summary>
internal sealed partial class MarkdownDocument
{
    private readonly string[] _lines;

    public MarkdownDocument(string text)
    {
        _lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var headings = new List<(int Level, string Text, int Line)>();
        var blocks = new List<CodeBlock>();
        var section = "";
        for (var i = 0; i < _lines.Length; i++)
        {
            var line = _lines[i];
            if (IsFence(line))
            {
                // A fence may be indented (a block inside a list item); its lines lose that indentation.
                var indent = line.Length - line.TrimStart().Length;
                var info = line.TrimStart().Substring(3).Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var start = i + 1;
                var end = start;
                while (end < _lines.Length && !IsFence(_lines[end]))
                {
                    end++;
                }

                var code = _lines[start..Math.Min(end, _lines.Length)].Select(l => l.Length >= indent && l[..indent].Trim().Length == 0 ? l[indent..] : l.TrimStart());
                blocks.Add(new CodeBlock(info.FirstOrDefault() ?? "", info.Skip(1).ToArray(), section, start, string.Join("\n", code) + "\n"));
                i = end;
                continue;
            }

            var heading = HeadingPattern().Match(line);
            if (heading.Success)
            {
                var level = heading.Groups[1].Value.Length;
                var title = heading.Groups[2].Value.Trim();
                headings.Add((level, title, i + 1));
                if (level <= 2)
                {
                    section = title;
                }
            }
        }

        Headings = headings;
        CodeBlocks = blocks;
    }

    public IReadOnlyList<(int Level, string Text, int Line)> Headings { get; }

    public IReadOnlyList<CodeBlock> CodeBlocks { get; }

    /// <summary>The first pipe table after the heading <paramref name="section"/> (or the first of the document when null), as rows of cells; the header row included, the delimiter row not.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Table(string? section = null)
    {
        var i = 0;
        if (section is not null)
        {
            var heading = Headings.FirstOrDefault(h => h.Text == section);
            if (heading.Text is null)
            {
                return Array.Empty<IReadOnlyList<string>>();
            }

            i = heading.Line;
        }

        var inFence = false;
        for (; i < _lines.Length; i++)
        {
            if (IsFence(_lines[i]))
            {
                inFence = !inFence;
            }

            if (!inFence && _lines[i].StartsWith('|'))
            {
                break;
            }

            if (!inFence && section is not null && HeadingPattern().IsMatch(_lines[i]))
            {
                return Array.Empty<IReadOnlyList<string>>();
            }
        }

        var rows = new List<IReadOnlyList<string>>();
        for (; i < _lines.Length && _lines[i].StartsWith('|'); i++)
        {
            var cells = SplitRow(_lines[i]);
            if (cells.All(c => DelimiterCell().IsMatch(c)))
            {
                continue;
            }

            rows.Add(cells);
        }

        return rows;
    }

    /// <summary>A two-column table of <c>| key | value |</c> rows as (key, value) pairs, header row skipped.</summary>
    public IReadOnlyList<(string Key, string Value)> KeyValueTable(string? section = null)
        => Table(section).Skip(1).Where(r => r.Count >= 2).Select(r => (r[0], r[1])).ToList();

    private static bool IsFence(string line) => line.TrimStart().StartsWith("```", StringComparison.Ordinal);

    private static List<string> SplitRow(string line)
    {
        var cells = new List<string>();
        var current = new System.Text.StringBuilder();
        var trimmed = line.Trim();
        for (var i = 1; i < trimmed.Length; i++)
        {
            var c = trimmed[i];
            if (c == '\\' && i + 1 < trimmed.Length && trimmed[i + 1] == '|')
            {
                current.Append('|');
                i++;
            }
            else if (c == '|')
            {
                cells.Add(current.ToString().Trim());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.ToString().Trim().Length > 0)
        {
            cells.Add(current.ToString().Trim());
        }

        return cells;
    }

    [GeneratedRegex(@"^(#{1,6})\s+(.*)$")]
    private static partial Regex HeadingPattern();

    [GeneratedRegex(@"^:?-+:?$")]
    private static partial Regex DelimiterCell();
}
