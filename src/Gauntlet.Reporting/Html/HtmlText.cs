using System.Text;

namespace Gauntlet.Reporting;

/// <summary>Escaping for HTML text and attributes, and inline runs as HTML.</summary>
internal static class HtmlText
{
    /// <summary>
    /// Escapes <paramref name="text"/> for element content and double- or single-quoted
    /// attributes: <c>&amp; &lt; &gt; " '</c> become entities and control characters other than
    /// newline and tab become spaces (they are invalid in HTML and could hide text).
    /// </summary>
    public static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '"': builder.Append("&quot;"); break;
                case '\'': builder.Append("&#39;"); break;
                default: builder.Append(char.IsControl(c) && c is not '\n' and not '\t' ? ' ' : c); break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Appends the runs as HTML: text escaped, code in <c>&lt;code&gt;</c>, strong in <c>&lt;strong&gt;</c>, emphasis in <c>&lt;em&gt;</c>, breaks as <c>&lt;br&gt;</c>.</summary>
    public static StringBuilder AppendInlines(this StringBuilder html, IReadOnlyList<Inline> inlines)
    {
        foreach (var inline in inlines)
        {
            _ = inline.Kind switch
            {
                InlineKind.Text => html.Append(Escape(inline.Value)),
                InlineKind.Code => html.Append("<code>").Append(Escape(inline.Value)).Append("</code>"),
                InlineKind.Strong => html.Append("<strong>").Append(Escape(inline.Value)).Append("</strong>"),
                InlineKind.Emphasis => html.Append("<em>").Append(Escape(inline.Value)).Append("</em>"),
                InlineKind.Break => html.Append("<br>"),
                _ => throw new InvalidOperationException("unknown inline kind " + inline.Kind),
            };
        }

        return html;
    }

    /// <summary>An id or class token: kept when it is letters, digits, <c>-</c> and <c>_</c> only, so it can never leave its attribute; otherwise null.</summary>
    public static string? Token(string? value) =>
        value is { Length: > 0 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? value : null;

    /// <summary>A coordinate or size in SVG and CSS: at most one decimal.</summary>
    public static string N(double value) => ReportFormat.Number(value, 1);
}
