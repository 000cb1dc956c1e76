using System.Text;

namespace Gauntlet.Reporting;

/// <summary>
/// Renders a <see cref="ReportDocument"/> as one self-contained HTML page: inline CSS, inline
/// SVG charts, images as <c>data:</c> URIs, no script and nothing fetched, so it reads offline,
/// from a CI artifact or an e-mail attachment, and prints cleanly.
/// </summary>
/// <remarks>
/// Accessibility: <c>lang</c> on the page, one <c>h1</c> and headings nested by section depth,
/// a <c>&lt;main&gt;</c> landmark, every table with a <c>&lt;caption&gt;</c> (visually hidden when the
/// heading already says it) and <c>&lt;th scope&gt;</c>, alt text on every image, charts as
/// <c>role="img"</c> with <c>&lt;title&gt;</c>/<c>&lt;desc&gt;</c>, series told apart by dash pattern
/// as well as colour, and AA contrast. Every string from the document is escaped; ids and class
/// names that are not plain tokens are dropped. The same document gives the same bytes.
/// </remarks>
public static class HtmlWriter
{
    /// <summary>Renders <paramref name="document"/> as an HTML page.</summary>
    /// <param name="document">The report.</param>
    /// <returns>The page, UTF-8 text ending in a newline.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="document"/> is null.</exception>
    public static string Render(ReportDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var writer = new Writer();
        writer.Document(document);
        return writer.Html.ToString();
    }

    /// <summary>One rendering: the output and the counter that keeps chart ids unique on the page.</summary>
    private sealed class Writer
    {
        private readonly SvgChartWriter charts;

        public Writer() => charts = new SvgChartWriter(Html);

        public StringBuilder Html { get; } = new(64 * 1024);

        public void Document(ReportDocument document)
        {
            Html.Append("<!DOCTYPE html>\n<html lang=\"").Append(HtmlText.Token(document.Language) ?? "en").Append("\">\n<head>\n<meta charset=\"utf-8\">\n")
                .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .Append("<title>").Append(HtmlText.Escape(document.PageTitle ?? document.Title)).Append("</title>\n")
                .Append("<style>\n").Append(HtmlStyles.Css).Append("\n</style>\n</head>\n<body>\n<main>\n")
                .Append("<h1>").Append(HtmlText.Escape(document.Title)).Append("</h1>\n");
            if (document.Subtitle.Count > 0)
            {
                Html.Append("<p class=\"sub\">").AppendInlines(document.Subtitle).Append("</p>\n");
            }

            Blocks(document.Lead, 1);
            foreach (var section in document.Sections)
            {
                Section(section, 2);
            }

            Html.Append("</main>\n");
            if (document.Footer.Count > 0)
            {
                Html.Append("<footer>\n");
                Blocks(document.Footer, 1);
                Html.Append("</footer>\n");
            }

            Html.Append("</body>\n</html>\n");
        }

        private void Section(Section section, int level)
        {
            // HTML has six heading levels; deeper nesting keeps h6 rather than skip a level.
            var h = Math.Min(level, 6);
            Html.Append("<section");
            if (HtmlText.Token(section.Id) is { } id)
            {
                Html.Append(" id=\"").Append(id).Append('"');
            }

            Html.Append(">\n<h").Append(h).Append('>').Append(HtmlText.Escape(section.Heading)).Append("</h").Append(h).Append(">\n");
            Blocks(section.Blocks, level);
            foreach (var sub in section.Subsections)
            {
                Section(sub, level + 1);
            }

            Html.Append("</section>\n");
        }

        /// <summary>Renders blocks under a heading of <paramref name="level"/>; headings inside blocks (finding titles) go one below.</summary>
        private void Blocks(IReadOnlyList<Block> blocks, int level)
        {
            foreach (var block in blocks)
            {
                switch (block)
                {
                    case Paragraph p:
                        Html.Append(p.Muted ? "<p class=\"muted\">" : "<p>").AppendInlines(p.Inlines).Append("</p>\n");
                        break;
                    case BulletList list:
                        Html.Append("<ul>\n");
                        foreach (var item in list.Items)
                        {
                            Html.Append("<li>").AppendInlines(item).Append("</li>\n");
                        }

                        Html.Append("</ul>\n");
                        break;
                    case Notice notice:
                        Html.Append("<div class=\"notice\" role=\"note\">").AppendInlines(notice.Inlines).Append("</div>\n");
                        break;
                    case FoldableBlock fold:
                        Html.Append(fold.Open ? "<details open>\n<summary>" : "<details>\n<summary>").Append(HtmlText.Escape(fold.Summary))
                            .Append("</summary>\n<pre>").Append(HtmlText.Escape(fold.Text)).Append("</pre>\n</details>\n");
                        break;
                    case DataTable table:
                        Table(table);
                        break;
                    case KeyValueTable table:
                        KeyValues(table.Caption, table.CaptionVisible, table.Rows, table.ValuesAsCode);
                        break;
                    case ReproductionBlock repro:
                        Reproduction(repro);
                        break;
                    case FindingList findings:
                        Findings(findings, level + 1);
                        break;
                    case Verdict verdict:
                        Verdict(verdict);
                        break;
                    case LineChart chart:
                        charts.Line(chart);
                        break;
                    case BarChart chart:
                        charts.Bar(chart);
                        break;
                    case ImageStrips strips:
                        Images(strips);
                        break;
                    default:
                        throw new InvalidOperationException("HtmlWriter has no rendering for " + block.GetType().Name);
                }
            }
        }

        private void Verdict(Verdict verdict)
        {
            // The id is the same on every report so that a CI link can point at report.html#scorecard.
            Html.Append("<section id=\"scorecard\">\n<div class=\"score\">\n");
            if (verdict.Score is { } score)
            {
                Html.Append("<div class=\"value\">").Append(ReportFormat.Number(score, 1)).Append("</div>\n<div class=\"outof\">")
                    .Append(HtmlText.Escape(verdict.ScoreLabel)).Append(" / ").Append(ReportFormat.Number(verdict.ScoreMax, 1)).Append("</div>\n");
            }

            if (verdict.Status != VerdictStatus.Complete)
            {
                Html.Append("<div class=\"ungraded\">incomplete</div>\n");
            }
            else if (verdict.Grade is { } grade)
            {
                var colour = grade.Length == 1 && "ABCDF".Contains(grade, StringComparison.Ordinal) ? grade : "other";
                Html.Append("<div class=\"grade grade-").Append(colour).Append("\">").Append(HtmlText.Escape(grade)).Append("</div>\n");
            }

            Html.Append("<div class=\"status status-").Append(verdict.StatusName).Append("\">Status: ").Append(verdict.StatusName).Append("</div>\n");
            if (verdict.Status != VerdictStatus.Complete && verdict.StatusReason is { } reason)
            {
                Html.Append("<div class=\"partial\">").Append(verdict.Status == VerdictStatus.Partial ? "Partial: " : "Incomplete: ").Append(HtmlText.Escape(reason)).Append("</div>\n");
            }

            if (verdict.Summary.Count > 0)
            {
                Html.Append("<div class=\"summary\">").AppendInlines(verdict.Summary).Append("</div>\n");
            }

            Html.Append("</div>\n");
            if (verdict.Breakdown is { } breakdown)
            {
                Html.Append("<div class=\"categories\">\n");
                Table(breakdown);
                Html.Append("</div>\n");
            }

            Html.Append("</section>\n");
        }

        private void Table(DataTable table)
        {
            Html.Append("<table");
            if (HtmlText.Token(table.CssClass) is { } css)
            {
                Html.Append(" class=\"").Append(css).Append('"');
            }

            Html.Append(">\n");
            Caption(table.Caption, table.CaptionVisible);
            Html.Append("<thead><tr>");
            foreach (var column in table.Columns)
            {
                Html.Append("<th scope=\"col\"").Append(AlignClass(column.Align)).Append('>').Append(HtmlText.Escape(column.Header)).Append("</th>");
            }

            Html.Append("</tr></thead>\n<tbody>\n");
            foreach (var row in table.Rows)
            {
                Html.Append("<tr>");
                for (var i = 0; i < row.Count; i++)
                {
                    var cell = row[i];
                    var tone = cell.Tone switch
                    {
                        CellTone.Pass => " class=\"pass\"",
                        CellTone.Fail => " class=\"fail\"",
                        CellTone.Missing => " class=\"na\"",
                        _ => i < table.Columns.Count ? AlignClass(table.Columns[i].Align) : string.Empty,
                    };
                    Html.Append("<td").Append(tone).Append('>').AppendInlines(cell.Inlines);
                    if (cell.Bar is { } bar)
                    {
                        var width = double.IsFinite(bar) ? Math.Clamp(bar, 0, 1) * 60 : 0;
                        Html.Append(" <span class=\"bar\" aria-hidden=\"true\" style=\"width:").Append(HtmlText.N(width)).Append("px\"></span>");
                    }

                    Html.Append("</td>");
                }

                Html.Append("</tr>\n");
            }

            Html.Append("</tbody>\n</table>\n");
        }

        private void Caption(string caption, bool visible) =>
            Html.Append(visible ? "<caption>" : "<caption class=\"sr-only\">").Append(HtmlText.Escape(caption)).Append("</caption>\n");

        private static string AlignClass(ColumnAlign align) => align switch
        {
            ColumnAlign.Right => " class=\"num\"",
            ColumnAlign.Center => " class=\"center\"",
            _ => string.Empty,
        };

        private void KeyValues(string caption, bool captionVisible, IReadOnlyList<LabeledText> rows, bool asCode)
        {
            Html.Append("<table class=\"kv\">\n");
            Caption(caption, captionVisible);
            Html.Append("<tbody>\n");
            foreach (var row in rows)
            {
                Html.Append("<tr><th scope=\"row\">").Append(HtmlText.Escape(row.Label)).Append("</th><td>")
                    .Append(asCode ? "<code>" : string.Empty).Append(HtmlText.Escape(row.Text)).Append(asCode ? "</code>" : string.Empty).Append("</td></tr>\n");
            }

            Html.Append("</tbody>\n</table>\n");
        }

        private void Reproduction(ReproductionBlock repro)
        {
            if (repro.Items.Count > 0)
            {
                KeyValues(repro.Caption, false, repro.Items, asCode: true);
            }

            if (repro.Commands.Count > 0)
            {
                Html.Append("<pre class=\"commands\" aria-label=\"Commands\">").Append(HtmlText.Escape(string.Join('\n', repro.Commands))).Append("</pre>\n");
            }
        }

        private void Findings(FindingList list, int level)
        {
            if (list.Findings.Count == 0)
            {
                Html.Append("<p>").Append(HtmlText.Escape(list.EmptyText)).Append("</p>\n");
                return;
            }

            var h = Math.Min(level, 6);
            foreach (var finding in list.Findings)
            {
                var sev = SeverityClass(finding.Severity);
                Html.Append("<article class=\"finding sev-").Append(sev).Append("\">\n<span class=\"badge sev-").Append(sev).Append("\">").Append(HtmlText.Escape(finding.Severity))
                    .Append("</span> <code>").Append(HtmlText.Escape(finding.Id)).Append("</code>\n<h").Append(h).Append('>').Append(HtmlText.Escape(finding.Title))
                    .Append("</h").Append(h).Append(">\n");
                if (finding.Description.Count > 0)
                {
                    Html.Append("<p>").AppendInlines(finding.Description).Append("</p>\n");
                }

                if (finding.Evidence.Count > 0)
                {
                    Html.Append("<table class=\"evidence\">\n<caption class=\"sr-only\">Evidence</caption>\n<thead><tr>");
                    foreach (var item in finding.Evidence)
                    {
                        Html.Append("<th scope=\"col\">").Append(HtmlText.Escape(item.Label)).Append("</th>");
                    }

                    Html.Append("</tr></thead>\n<tbody><tr>");
                    foreach (var item in finding.Evidence)
                    {
                        Html.Append("<td class=\"num\">").Append(HtmlText.Escape(item.Text)).Append("</td>");
                    }

                    Html.Append("</tr></tbody>\n</table>\n");
                }

                foreach (var fact in finding.Facts)
                {
                    Html.Append("<p><strong>").Append(HtmlText.Escape(fact.Label)).Append(":</strong> ").Append(HtmlText.Escape(fact.Text)).Append("</p>\n");
                }

                if (finding.Remediation.Count > 0)
                {
                    Html.Append("<p><strong>Remediation:</strong> ").AppendInlines(finding.Remediation).Append("</p>\n");
                }

                var ids = finding.Context.Select(c => HtmlText.Escape(c.Label) + " " + HtmlText.Escape(c.Text))
                    .Concat(finding.References.Select(r => HtmlText.Escape(r.Scheme) + ": " + (r.Ids.Count > 0 ? HtmlText.Escape(string.Join(", ", r.Ids)) : "—")))
                    .ToList();
                if (ids.Count > 0)
                {
                    Html.Append("<p class=\"ids\">").AppendJoin(" · ", ids).Append("</p>\n");
                }

                Html.Append("</article>\n");
            }

            if (list.Overflow is { } overflow)
            {
                Html.Append("<p class=\"muted\">").Append(HtmlText.Escape(overflow)).Append("</p>\n");
            }
        }

        /// <summary>The CSS class of a severity: its lower-case name when known, otherwise <c>info</c>.</summary>
        private static string SeverityClass(string severity)
        {
            var lower = severity.ToLowerInvariant();
            return lower is "critical" or "high" or "medium" or "low" or "info" ? lower : "info";
        }

        private void Images(ImageStrips strips)
        {
            var size = ReportFormat.Integer(Math.Clamp(strips.ThumbnailSize, 8, 512));
            Html.Append("<div class=\"examples\">\n");
            foreach (var figure in strips.Figures)
            {
                Html.Append("<figure class=\"example\">\n<div class=\"imgs\">");
                foreach (var image in figure.Images)
                {
                    // Only base64 characters go into the data URI, so a hostile document cannot break out of the attribute.
                    var data = image.PngBase64.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=') ? image.PngBase64 : string.Empty;
                    Html.Append("<div><img src=\"data:image/png;base64,").Append(data).Append("\" alt=\"").Append(HtmlText.Escape(image.Alt))
                        .Append("\" width=\"").Append(size).Append("\" height=\"").Append(size).Append("\">").Append(HtmlText.Escape(image.Label)).Append("</div>");
                }

                Html.Append("</div>\n");
                if (figure.Caption.Count > 0)
                {
                    Html.Append("<figcaption>").AppendInlines(figure.Caption).Append("</figcaption>\n");
                }

                Html.Append("</figure>\n");
            }

            Html.Append("</div>\n");
        }
    }
}
