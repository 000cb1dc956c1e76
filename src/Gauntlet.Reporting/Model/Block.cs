namespace Gauntlet.Reporting;

/// <summary>
/// A piece of section content. The set of block types is closed (the constructor is not
/// public), so each writer handles every type and a test renders each one in both formats.
/// </summary>
public abstract record Block
{
    private protected Block()
    {
    }
}

/// <summary>A paragraph of inline text.</summary>
public sealed record Paragraph : Block
{
    /// <summary>A paragraph of the given runs.</summary>
    /// <param name="inlines">The text runs; strings convert to plain text.</param>
    public Paragraph(params IReadOnlyList<Inline> inlines) => Inlines = inlines;

    /// <summary>The text runs.</summary>
    public IReadOnlyList<Inline> Inlines { get; init; }

    /// <summary>Secondary text ("No checks ran."): grey and italic in HTML; plain in Markdown.</summary>
    public bool Muted { get; init; }
}

/// <summary>A bulleted list; each item is a line of inline text.</summary>
/// <param name="Items">The items, in order.</param>
public sealed record BulletList(IReadOnlyList<IReadOnlyList<Inline>> Items) : Block;

/// <summary>A highlighted note the reader must not miss (a partial run, a failed precondition).</summary>
/// <param name="Inlines">The text runs.</param>
public sealed record Notice(IReadOnlyList<Inline> Inlines) : Block;

/// <summary>
/// Verbatim text, folded away by default: HTML <c>&lt;details&gt;</c> with a <c>&lt;pre&gt;</c>,
/// Markdown a <c>&lt;details&gt;</c> around a fenced code block. For the plan JSON, logs, raw output.
/// </summary>
public sealed record FoldableBlock : Block
{
    /// <summary>The line shown while folded.</summary>
    public required string Summary { get; init; }

    /// <summary>The verbatim text; newlines kept.</summary>
    public required string Text { get; init; }

    /// <summary>The Markdown fence's info string (<c>json</c>, <c>yaml</c>); null for none.</summary>
    public string? Language { get; init; }

    /// <summary>Whether the block starts unfolded.</summary>
    public bool Open { get; init; }
}
