using System.Text;

namespace Gauntlet.Reporting;

/// <summary>
/// Renders a <see cref="ReportDocument"/> as GitHub-flavoured Markdown: ATX headings by section
/// depth, pipe tables with alignment, findings as a list, code spans as backticks, charts as a
/// table of their values, images as file links where the document gives paths (otherwise left out
/// with a note), foldable blocks as <c>&lt;details&gt;</c> around a fenced block.
/// </summary>
/// <remarks>
/// Every block is followed by one blank line. Text from the document is escaped so that it reads
/// as text (see <see cref="MarkdownText"/>): a name holding <c>&lt;script&gt;</c>, a pipe, a backtick
/// or a newline cannot inject HTML, break a table or start a new block. The same document gives the
/// same bytes.
/// </remarks>
public static class MarkdownWriter
{
    /// <summary>Renders <paramref name="document"/> as Markdown.</summary>
    /// <param name="document">The report.</param>
    /// <returns>The Markdown text, ending in a newline.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="document"/> is null.</exception>
    public static string Render(ReportDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var md = new StringBuilder(8 * 1024);
        md.Append("# ").Append(MarkdownText.Escape(document.Title)).Append("\n\n");
        if (document.Subtitle.Count > 0)
        {
            Line(md, MarkdownText.Inlines(document.Subtitle));
        }

        Blocks(md, document.Lead);
        foreach (var section in document.Sections)
        {
            Section(md, section, 2);
        }

        if (document.Footer.Count > 0)
        {
            md.Append("---\n\n");
            Blocks(md, document.Footer);
        }

        // Every block ends in a blank line; the file ends in exactly one newline.
        md.Length = md.ToString().TrimEnd('\n').Length;
        return md.Append('\n').ToString();
    }

    private static void Section(StringBuilder md, Section section, int level)
    {
        md.Append('#', Math.Min(level, 6)).Append(' ').Append(MarkdownText.Escape(section.Heading)).Append("\n\n");
        Blocks(md, section.Blocks);
        foreach (var sub in section.Subsections)
        {
            Section(md, sub, level + 1);
        }
    }

    private static void Blocks(StringBuilder md, IReadOnlyList<Block> blocks)
    {
        foreach (var block in blocks)
        {
            switch (block)
            {
                case Paragraph p:
                    Line(md, MarkdownText.Inlines(p.Inlines));
                    break;
                case BulletList list:
                    foreach (var item in list.Items)
                    {
                        md.Append("- ").Append(MarkdownText.LineStart(MarkdownText.Inlines(item))).Append('\n');
                    }

                    md.Append('\n');
                    break;
                case Notice notice:
                    md.Append("> ").Append(MarkdownText.LineStart(MarkdownText.Inlines(notice.Inlines))).Append("\n\n");
                    break;
                case FoldableBlock fold:
                    Fenced(md, fold.Summary, fold.Text, fold.Language);
                    break;
                case DataTable table:
                    if (table.CaptionVisible)
                    {
                        md.Append('*').Append(MarkdownText.Escape(table.Caption)).Append("*\n\n");
                    }

                    Table(md, table.Columns, table.Rows.Select(r => r.Select(c => MarkdownText.Inlines(c.Inlines, inTable: true)).ToList()));
                    break;
                case KeyValueTable table:
                    KeyValues(md, table.KeyHeader, table.ValueHeader, table.Rows, table.ValuesAsCode);
                    break;
                case ReproductionBlock repro:
                    Reproduction(md, repro);
                    break;
                case FindingList findings:
                    Findings(md, findings);
                    break;
                case Verdict verdict:
                    Verdict(md, verdict);
                    break;
                case LineChart chart:
                    LineChartTable(md, chart);
                    break;
                case BarChart chart:
                    md.Append("**").Append(MarkdownText.Escape(chart.Title)).Append("** — ").Append(MarkdownText.Escape(chart.Description)).Append("\n\n");
                    Table(md, [new TableColumn(string.Empty), new TableColumn(chart.ValueAxis.Title, ColumnAlign.Right)],
                        chart.Bars.Select(b => (IReadOnlyList<string>)[MarkdownText.Inlines([b.Label], true), MarkdownText.Inlines([b.ValueText], true)]));
                    break;
                case ImageStrips strips:
                    Images(md, strips);
                    break;
                default:
                    throw new InvalidOperationException("MarkdownWriter has no rendering for " + block.GetType().Name);
            }
        }
    }

    private static void Line(StringBuilder md, string text) => md.Append(MarkdownText.LineStart(text)).Append("\n\n");

    private static void Table(StringBuilder md, IReadOnlyList<TableColumn> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        md.Append('|');
        foreach (var column in columns)
        {
            md.Append(' ').Append(MarkdownText.Inlines([column.Header], inTable: true)).Append(" |");
        }

        md.Append("\n|");
        foreach (var column in columns)
        {
            md.Append(column.Align switch { ColumnAlign.Right => "---:", ColumnAlign.Center => ":---:", _ => "---" }).Append('|');
        }

        md.Append('\n');
        foreach (var row in rows)
        {
            md.Append('|');

            // GFM tables need every row to have the header's cell count; a short row gets empty cells.
            for (var i = 0; i < columns.Count; i++)
            {
                md.Append(' ').Append(i < row.Count ? row[i] : string.Empty).Append(" |");
            }

            md.Append('\n');
        }

        md.Append('\n');
    }

    private static void KeyValues(StringBuilder md, string keyHeader, string valueHeader, IReadOnlyList<LabeledText> rows, bool asCode) =>
        Table(md, [new TableColumn(keyHeader), new TableColumn(valueHeader)],
            rows.Select(r => (IReadOnlyList<string>)[MarkdownText.Inlines([r.Label], true), MarkdownText.Inlines([asCode ? Inline.Code(r.Text) : r.Text], true)]));

    private static void Reproduction(StringBuilder md, ReproductionBlock repro)
    {
        if (repro.Items.Count > 0)
        {
            KeyValues(md, "Item", "Value", repro.Items, asCode: true);
        }

        if (repro.Commands.Count > 0)
        {
            var text = string.Join('\n', repro.Commands.Select(c => c.ReplaceLineEndings(" ")));
            var fence = MarkdownText.Fence(text);
            md.Append(fence).Append("sh\n").Append(text).Append('\n').Append(fence).Append("\n\n");
        }
    }

    private static void Fenced(StringBuilder md, string summary, string text, string? language)
    {
        var body = text.ReplaceLineEndings("\n");
        var fence = MarkdownText.Fence(body);
        var info = language is { Length: > 0 } && language.All(char.IsAsciiLetterOrDigit) ? language : string.Empty;

        // <details> is HTML GitHub renders; the summary is escaped like any text, the body is literal inside the fence.
        md.Append("<details><summary>").Append(HtmlText.Escape(summary.ReplaceLineEndings(" "))).Append("</summary>\n\n")
            .Append(fence).Append(info).Append('\n').Append(body).Append(body.EndsWith('\n') ? string.Empty : "\n").Append(fence).Append("\n\n</details>\n\n");
    }

    private static void Findings(StringBuilder md, FindingList list)
    {
        if (list.Findings.Count == 0)
        {
            Line(md, MarkdownText.Escape(list.EmptyText));
            return;
        }

        foreach (var f in list.Findings)
        {
            md.Append("- **").Append(MarkdownText.Escape(f.Severity.ToUpperInvariant())).Append("** ").Append(MarkdownText.Escape(f.Title))
                .Append(" (").Append(MarkdownText.CodeSpan(f.Id, inTable: false)).Append(')');
            if (f.Facts.Count > 0)
            {
                md.Append(" — ").AppendJoin("; ", f.Facts.Select(x => MarkdownText.Escape(x.Label) + ": " + MarkdownText.Escape(x.Text)));
            }

            md.Append('.');
            if (f.Remediation.Count > 0)
            {
                md.Append(' ').Append(MarkdownText.Inlines(f.Remediation));
            }

            md.Append('\n');

            // Further detail continues the item's paragraph on indented lines (GFM lazy continuation keeps it in the item).
            if (f.Description.Count > 0)
            {
                md.Append("  ").Append(MarkdownText.LineStart(MarkdownText.Inlines(f.Description))).Append('\n');
            }

            if (f.Evidence.Count > 0)
            {
                md.Append("  Evidence: ").AppendJoin(", ", f.Evidence.Select(e => MarkdownText.Escape(e.Label) + " " + MarkdownText.Escape(e.Text))).Append('\n');
            }

            var ids = f.Context.Select(c => MarkdownText.Escape(c.Label) + " " + MarkdownText.Escape(c.Text))
                .Concat(f.References.Select(r => MarkdownText.Escape(r.Scheme) + ": " + (r.Ids.Count > 0 ? string.Join(", ", r.Ids.Select(i => MarkdownText.CodeSpan(i, false))) : "—")))
                .ToList();
            if (ids.Count > 0)
            {
                md.Append("  ").Append(MarkdownText.LineStart(string.Join(" · ", ids))).Append('\n');
            }
        }

        if (list.Overflow is { } overflow)
        {
            md.Append("- ").Append(MarkdownText.LineStart(MarkdownText.Escape(overflow))).Append('\n');
        }

        md.Append('\n');
    }

    private static void Verdict(StringBuilder md, Verdict verdict)
    {
        var parts = new List<string>();
        if (verdict.Score is { } score)
        {
            parts.Add("Score " + ReportFormat.Number(score, 1) + " / " + ReportFormat.Number(verdict.ScoreMax, 1));
        }

        if (verdict.Status != VerdictStatus.Complete)
        {
            // A run that did not finish gets no grade: its numbers overstate robustness.
            parts.Add("incomplete (" + verdict.StatusName + (verdict.StatusReason is { } reason ? ": " + MarkdownText.Escape(reason) : string.Empty) + ")");
        }
        else if (verdict.Grade is { } grade)
        {
            parts.Add("grade " + MarkdownText.Escape(grade));
        }

        if (parts.Count == 0)
        {
            parts.Add(verdict.StatusName);
        }

        md.Append("**").Append(string.Join(", ", parts)).Append("**");
        if (verdict.Summary.Count > 0)
        {
            md.Append(" — ").Append(MarkdownText.Inlines(verdict.Summary));
        }

        md.Append("\n\n");
        if (verdict.Breakdown is { } table)
        {
            Table(md, table.Columns, table.Rows.Select(r => r.Select(c => MarkdownText.Inlines(c.Inlines, inTable: true)).ToList()));
        }
    }

    private static void LineChartTable(StringBuilder md, LineChart chart)
    {
        md.Append("**").Append(MarkdownText.Escape(chart.Title)).Append("** — ").Append(MarkdownText.Escape(chart.Description)).Append("\n\n");
        var xs = chart.Series.SelectMany(s => s.Points).Where(p => p.IsMarked).Select(p => (p.X, Text: p.XText!))
            .DistinctBy(p => p.Text).OrderBy(p => p.X).ToList();
        var columns = new List<TableColumn> { new(chart.XAxis.Symbol ?? chart.XAxis.Title, ColumnAlign.Right) };
        columns.AddRange(chart.Series.Select(s => new TableColumn(s.LegendNote is null ? s.Label : s.Label + " " + s.LegendNote, ColumnAlign.Right)));
        var rows = xs.Select(x => (IReadOnlyList<string>)[
            MarkdownText.Inlines([x.Text], true),
            .. chart.Series.Select(s => s.Points.FirstOrDefault(p => p.IsMarked && p.XText == x.Text) is { } point ? MarkdownText.Inlines([point.YText!], true) : "—"),
        ]);
        Table(md, columns, rows);
        if (chart.ReferenceLines.Count > 0)
        {
            Line(md, "Reference: " + string.Join("; ", chart.ReferenceLines.Select(r => MarkdownText.Escape(r.Label))) + ".");
        }
    }

    private static void Images(StringBuilder md, ImageStrips strips)
    {
        if (strips.Figures.Count == 0)
        {
            return;
        }

        var omitted = 0;
        foreach (var figure in strips.Figures)
        {
            var images = new List<string>();
            foreach (var image in figure.Images)
            {
                // An angle-bracket destination allows spaces; a path that could close it or break the line is not linked.
                if (image.FilePath is { Length: > 0 } path && !path.Any(c => c is '<' or '>' || char.IsControl(c)))
                {
                    images.Add("![" + MarkdownText.Escape(image.Alt) + "](<" + path + ">)");
                }
                else
                {
                    omitted++;
                }
            }

            var caption = MarkdownText.Inlines(figure.Caption);
            md.Append("- ").Append(MarkdownText.LineStart(string.Join(" ", images.Append(caption).Where(s => s.Length > 0)))).Append('\n');
        }

        md.Append('\n');
        if (omitted > 0)
        {
            Line(md, "*" + ReportFormat.Integer(omitted) + (omitted == 1 ? " image is" : " images are") + " not included in the Markdown; the HTML report embeds them.*");
        }
    }
}
