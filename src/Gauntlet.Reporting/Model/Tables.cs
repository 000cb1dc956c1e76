namespace Gauntlet.Reporting;

/// <summary>How a column's cells align; numbers align right.</summary>
public enum ColumnAlign
{
    /// <summary>Left-aligned text.</summary>
    Left,

    /// <summary>Right-aligned numbers, with tabular figures in HTML.</summary>
    Right,

    /// <summary>Centred.</summary>
    Center,
}

/// <summary>What a cell's value means, beyond its text; HTML colours it, Markdown shows the text only.</summary>
public enum CellTone
{
    /// <summary>An ordinary value.</summary>
    None,

    /// <summary>A passed check or gate.</summary>
    Pass,

    /// <summary>A failed check or gate.</summary>
    Fail,

    /// <summary>No value ("not assessed", "—"): muted.</summary>
    Missing,
}

/// <summary>A column of a <see cref="DataTable"/>.</summary>
/// <param name="Header">The header text (an HTML <c>&lt;th scope="col"&gt;</c>).</param>
/// <param name="Align">How the column's cells align.</param>
public sealed record TableColumn(string Header, ColumnAlign Align = ColumnAlign.Left);

/// <summary>One table cell: inline text, a tone, and optionally a bar drawn after the text in HTML.</summary>
public sealed record TableCell
{
    /// <summary>A cell of the given runs.</summary>
    /// <param name="inlines">The text runs.</param>
    public TableCell(params IReadOnlyList<Inline> inlines) => Inlines = inlines;

    /// <summary>The text runs (already formatted numbers, names, code spans).</summary>
    public IReadOnlyList<Inline> Inlines { get; init; }

    /// <summary>What the value means.</summary>
    public CellTone Tone { get; init; }

    /// <summary>A 0–1 fraction drawn as a small bar after the text in HTML (clamped); null for none.</summary>
    public double? Bar { get; init; }

    /// <summary>A plain-text cell, so rows can be written as string arrays.</summary>
    /// <param name="text">The text.</param>
    public static implicit operator TableCell(string text) => new(Inline.Text(text));

    /// <summary>Named alternative to the implicit conversion.</summary>
    /// <param name="text">The text.</param>
    /// <returns>A plain-text cell.</returns>
    public static TableCell FromString(string text) => new(Inline.Text(text));
}

/// <summary>A table of rows under column headers.</summary>
public sealed record DataTable : Block
{
    /// <summary>What the table shows; every table has one, for screen readers.</summary>
    public required string Caption { get; init; }

    /// <summary>Whether the caption is shown; when false it is still read by screen readers (the heading above already says it).</summary>
    public bool CaptionVisible { get; init; } = true;

    /// <summary>The columns.</summary>
    public required IReadOnlyList<TableColumn> Columns { get; init; }

    /// <summary>The rows; each has one cell per column.</summary>
    public required IReadOnlyList<IReadOnlyList<TableCell>> Rows { get; init; }

    /// <summary>An extra HTML class on the table (letters, digits, <c>-</c>); null for none.</summary>
    public string? CssClass { get; init; }
}

/// <summary>A labelled piece of text: a key/value row, a finding's fact or context item.</summary>
/// <param name="Label">The label.</param>
/// <param name="Text">The value, already formatted.</param>
public sealed record LabeledText(string Label, string Text);

/// <summary>A two-column table of named values; the names are row headers.</summary>
public sealed record KeyValueTable : Block
{
    /// <summary>What the table shows.</summary>
    public required string Caption { get; init; }

    /// <summary>Whether the caption is shown (always read by screen readers).</summary>
    public bool CaptionVisible { get; init; }

    /// <summary>The rows.</summary>
    public required IReadOnlyList<LabeledText> Rows { get; init; }

    /// <summary>Whether values are code spans (hashes, versions, paths).</summary>
    public bool ValuesAsCode { get; init; }

    /// <summary>The header over the names, in Markdown (its tables need a header row).</summary>
    public string KeyHeader { get; init; } = "Item";

    /// <summary>The header over the values, in Markdown.</summary>
    public string ValueHeader { get; init; } = "Value";
}
