namespace Gauntlet.Reporting;

/// <summary>
/// One report, independent of its format: a title, a subtitle, lead blocks (usually the
/// <see cref="Verdict"/>), ordered sections and a footer. <see cref="HtmlWriter"/> and
/// <see cref="MarkdownWriter"/> render it; the same document gives the same bytes every time.
/// </summary>
/// <remarks>
/// Headings follow the nesting: the title is level 1, a <see cref="Section"/> level 2, its
/// subsections level 3 and so on, so headings are always in order. The document holds text and
/// numbers already formatted (see <see cref="ReportFormat"/>); writers only escape and lay out.
/// </remarks>
public sealed record ReportDocument
{
    /// <summary>The page heading, e.g. <c>Gauntlet security audit</c>.</summary>
    public required string Title { get; init; }

    /// <summary>The browser-tab title; <see cref="Title"/> when null.</summary>
    public string? PageTitle { get; init; }

    /// <summary>One line under the title (model, data, date); empty for none.</summary>
    public IReadOnlyList<Inline> Subtitle { get; init; } = [];

    /// <summary>The BCP 47 language of the text, written as the HTML <c>lang</c> attribute.</summary>
    public string Language { get; init; } = "en";

    /// <summary>Blocks between the subtitle and the first section: the verdict, a notice.</summary>
    public IReadOnlyList<Block> Lead { get; init; } = [];

    /// <summary>The sections, in reading order.</summary>
    public IReadOnlyList<Section> Sections { get; init; } = [];

    /// <summary>Blocks after the last section, set off by a rule (HTML <c>&lt;footer&gt;</c>, Markdown <c>---</c>).</summary>
    public IReadOnlyList<Block> Footer { get; init; } = [];
}

/// <summary>A headed part of a report: its blocks, then its subsections one heading level down.</summary>
public sealed record Section
{
    /// <summary>The heading text.</summary>
    public required string Heading { get; init; }

    /// <summary>An HTML id for linking (<c>report.html#findings</c>); letters, digits, <c>-</c> and <c>_</c> only; null for none.</summary>
    public string? Id { get; init; }

    /// <summary>The content under the heading, in order.</summary>
    public IReadOnlyList<Block> Blocks { get; init; } = [];

    /// <summary>Sections nested one level down, after <see cref="Blocks"/>.</summary>
    public IReadOnlyList<Section> Subsections { get; init; } = [];
}
