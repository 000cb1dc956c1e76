namespace Gauntlet.Reporting;

/// <summary>What an <see cref="Inline"/> is: how the writers mark it up.</summary>
public enum InlineKind
{
    /// <summary>Plain text, escaped by each writer.</summary>
    Text,

    /// <summary>A code span: <c>&lt;code&gt;</c> in HTML, backticks in Markdown.</summary>
    Code,

    /// <summary>Strong emphasis: <c>&lt;strong&gt;</c> in HTML, <c>**…**</c> in Markdown.</summary>
    Strong,

    /// <summary>Emphasis: <c>&lt;em&gt;</c> in HTML, <c>_…_</c> in Markdown.</summary>
    Emphasis,

    /// <summary>A line break inside a paragraph, caption or table cell (<see cref="Inline.Value"/> is empty).</summary>
    Break,
}

/// <summary>
/// One run of inline text. Paragraphs, captions, list items and table cells are lists of these, so
/// a builder never writes markup: a code span stays a code span in every format, and every string
/// is escaped once, by the writer.
/// </summary>
/// <param name="Kind">How the run is marked up.</param>
/// <param name="Value">The text, unescaped; any characters, newlines included (writers fold them to spaces).</param>
public sealed record Inline(InlineKind Kind, string Value)
{
    /// <summary>A line break.</summary>
    public static Inline Break { get; } = new(InlineKind.Break, string.Empty);

    /// <summary>Plain text.</summary>
    /// <param name="value">The text.</param>
    /// <returns>The run.</returns>
    public static Inline Text(string value) => new(InlineKind.Text, value);

    /// <summary>A code span (identifiers, paths, hashes, attack names).</summary>
    /// <param name="value">The code text.</param>
    /// <returns>The run.</returns>
    public static Inline Code(string value) => new(InlineKind.Code, value);

    /// <summary>Strongly emphasised text.</summary>
    /// <param name="value">The text.</param>
    /// <returns>The run.</returns>
    public static Inline Strong(string value) => new(InlineKind.Strong, value);

    /// <summary>Emphasised text.</summary>
    /// <param name="value">The text.</param>
    /// <returns>The run.</returns>
    public static Inline Emphasis(string value) => new(InlineKind.Emphasis, value);

    /// <summary>
    /// Splits text that marks code with backticks, as rule authors write it
    /// (<c>run `gauntlet scan` first</c>), into text and code runs. Only the runs are trusted, not the
    /// text: writers escape both, so hostile text gains nothing. A backtick without a partner stays text.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>The runs, in order; empty for empty text.</returns>
    public static IReadOnlyList<Inline> WithCodeSpans(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var runs = new List<Inline>();
        var start = 0;
        while (start < text.Length)
        {
            var open = text.IndexOf('`', start);
            var close = open < 0 ? -1 : text.IndexOf('`', open + 1);
            if (close < 0)
            {
                runs.Add(Text(text[start..]));
                break;
            }

            if (open > start)
            {
                runs.Add(Text(text[start..open]));
            }

            runs.Add(Code(text[(open + 1)..close]));
            start = close + 1;
        }

        return runs;
    }

    /// <summary>Plain text, so builders can write <c>["clean ", Inline.Code(id)]</c>.</summary>
    /// <param name="value">The text.</param>
    public static implicit operator Inline(string value) => Text(value);

    /// <summary>Named alternative to the implicit conversion.</summary>
    /// <param name="value">The text.</param>
    /// <returns>A plain-text run.</returns>
    public static Inline FromString(string value) => Text(value);
}
