using System.Text;

namespace Gauntlet.Reporting;

/// <summary>Escaping for GitHub-flavoured Markdown, and inline runs as Markdown.</summary>
/// <remarks>
/// Text from a document can never become markup: every run is folded onto one line (so it cannot
/// start a list, heading or table row), <c>&amp; &lt; &gt;</c> become entities (no raw HTML, no
/// autolinks), and Markdown punctuation (<c>\ ` * [ | ~ # $</c>, and <c>_</c> where it could open
/// or close emphasis) is backslash-escaped. Code spans keep their text exactly, fenced with more
/// backticks than the longest run inside.
/// </remarks>
internal static class MarkdownText
{
    /// <summary>Plain text, escaped as described on the class.</summary>
    public static string Escape(string text)
    {
        var line = OneLine(text);
        var builder = new StringBuilder(line.Length + 16);
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            switch (c)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                // '[' alone is escaped: without it no link, image or footnote can open, so ']' stays readable.
                case '\\' or '`' or '*' or '[' or '|' or '~' or '#' or '$':
                    builder.Append('\\').Append(c);
                    break;
                case '_':
                    // Inside a word (noise_not_stronger) an underscore cannot open or close emphasis in GFM, so it stays readable there.
                    var inWord = i > 0 && i < line.Length - 1 && char.IsLetterOrDigit(line[i - 1]) && char.IsLetterOrDigit(line[i + 1]);
                    builder.Append(inWord ? "_" : "\\_");
                    break;
                default: builder.Append(c); break;
            }
        }

        return builder.ToString();
    }

    /// <summary>A code span holding <paramref name="code"/> exactly (folded onto one line); inside a table, pipes are escaped as GFM requires.</summary>
    public static string CodeSpan(string code, bool inTable)
    {
        var text = OneLine(code);
        if (inTable)
        {
            text = text.Replace("|", "\\|", StringComparison.Ordinal);
        }

        var longest = 0;
        var run = 0;
        foreach (var c in text)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        var fence = new string('`', longest + 1);

        // A space on each side keeps a leading or trailing backtick off the fence; GFM strips one space from each side.
        var pad = text.StartsWith('`') || text.EndsWith('`') || (text.Length > 0 && text.All(ch => ch == ' ')) ? " " : string.Empty;
        return fence + pad + text + pad + fence;
    }

    /// <summary>The runs as Markdown; in a table cell pipes are escaped and breaks stay <c>&lt;br&gt;</c> (GitHub's line break inside a cell).</summary>
    public static string Inlines(IReadOnlyList<Inline> inlines, bool inTable = false)
    {
        var builder = new StringBuilder();
        foreach (var inline in inlines)
        {
            _ = inline.Kind switch
            {
                InlineKind.Text => builder.Append(Escape(inline.Value)),
                InlineKind.Code => builder.Append(CodeSpan(inline.Value, inTable)),
                InlineKind.Strong => inline.Value.Length > 0 ? builder.Append("**").Append(Escape(inline.Value)).Append("**") : builder,
                InlineKind.Emphasis => inline.Value.Length > 0 ? builder.Append('_').Append(Escape(inline.Value)).Append('_') : builder,
                InlineKind.Break => builder.Append("<br>"),
                _ => throw new InvalidOperationException("unknown inline kind " + inline.Kind),
            };
        }

        return builder.ToString();
    }

    /// <summary>
    /// Makes a rendered line safe to start a paragraph or list item: leading spaces dropped (four
    /// would make a code block) and a leading <c>-</c>, <c>+</c>, <c>=</c> or <c>1.</c>/<c>1)</c>
    /// escaped so that text from the document cannot start a list.
    /// </summary>
    public static string LineStart(string line)
    {
        var text = line.TrimStart(' ');
        if (text.Length > 0 && text[0] is '-' or '+' or '=')
        {
            return "\\" + text;
        }

        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        return digits > 0 && digits < text.Length && text[digits] is '.' or ')' ? text[..digits] + "\\" + text[digits..] : text;
    }

    /// <summary>A fence for a code block: three backticks, or one more than the longest backtick run at a line start in <paramref name="text"/>.</summary>
    public static string Fence(string text)
    {
        var longest = 0;
        foreach (var line in text.Split('\n'))
        {
            var run = line.TrimStart(' ').TakeWhile(c => c == '`').Count();
            longest = Math.Max(longest, run);
        }

        return new string('`', Math.Max(3, longest + 1));
    }

    private static string OneLine(string text)
    {
        var folded = text.ReplaceLineEndings(" ");
        return folded.Any(char.IsControl) ? new string(folded.Select(c => char.IsControl(c) ? ' ' : c).ToArray()) : folded;
    }
}
