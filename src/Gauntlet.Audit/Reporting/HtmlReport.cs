using System.Text;
using Gauntlet.Core;
using System.Text.Json;

namespace Gauntlet.Audit.Reporting;

/// <summary>
/// Renders <c>report.html</c>: one self-contained page (inline CSS, inline SVG charts, images as
/// <c>data:</c> URIs, no script, nothing fetched) that reads in any browser and prints cleanly.
/// </summary>
/// <remarks>
/// Order: scorecard (element <c>id="scorecard"</c>), findings most severe first, per threat the
/// robust-accuracy-versus-ε chart and the attack table, per-class tables, evaluation checks,
/// example thumbnails, reproducibility. Every string taken from the report is HTML-escaped. The
/// output depends on the report alone: the same report gives the same bytes.
/// </remarks>
public static class HtmlReport
{
    /// <summary>The file name inside an output folder.</summary>
    public const string FileName = "report.html";

    private const string Css = """
        :root { --ink: #1d2433; --muted: #5b6475; --line: #d8dde6; --panel: #f5f7fa; --accent: #2457c5; }
        * { box-sizing: border-box; }
        body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px; background: #fff; }
        h1 { font-size: 26px; margin: 0 0 4px; }
        h2 { font-size: 20px; margin: 32px 0 12px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
        h3 { font-size: 16px; margin: 20px 0 8px; }
        .sub { color: var(--muted); margin: 0 0 16px; }
        code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 13px; }
        pre { background: var(--panel); border: 1px solid var(--line); padding: 12px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
        table { border-collapse: collapse; margin: 8px 0 16px; font-size: 14px; }
        th, td { border: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
        th { background: var(--panel); }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        #scorecard { display: flex; flex-wrap: wrap; gap: 24px; align-items: stretch; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 20px; }
        .score { min-width: 220px; text-align: center; }
        .score .value { font-size: 64px; font-weight: 700; line-height: 1; }
        .score .outof { color: var(--muted); }
        .grade { display: inline-block; margin-top: 8px; font-size: 28px; font-weight: 700; width: 56px; height: 56px; line-height: 56px; border-radius: 50%; color: #fff; }
        .grade-A { background: #1e8a4c; } .grade-B { background: #5a9e2f; } .grade-C { background: #c99a06; } .grade-D { background: #d4661c; } .grade-F { background: #c0392b; }
        .status { margin-top: 10px; font-weight: 600; }
        .status-complete { color: #1e8a4c; } .status-partial { color: #c0392b; }
        .categories { flex: 1; min-width: 420px; }
        .categories table { width: 100%; margin: 0; background: #fff; }
        .bar { display: inline-block; height: 10px; background: var(--accent); border-radius: 2px; vertical-align: middle; }
        .na { color: var(--muted); font-style: italic; white-space: nowrap; }
        .partial { border: 2px solid #c0392b; background: #fdecea; padding: 10px 14px; border-radius: 6px; margin: 12px 0; }
        .finding { border: 1px solid var(--line); border-left-width: 6px; border-radius: 6px; padding: 10px 16px; margin: 12px 0; page-break-inside: avoid; }
        .finding h3 { margin: 4px 0 6px; }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; }
        .sev-critical { background: #7b1fa2; border-left-color: #7b1fa2; } .sev-high { background: #c0392b; border-left-color: #c0392b; }
        .sev-medium { background: #d4661c; border-left-color: #d4661c; } .sev-low { background: #c99a06; border-left-color: #c99a06; }
        .sev-info { background: #5b6475; border-left-color: #5b6475; }
        .finding.sev-critical, .finding.sev-high, .finding.sev-medium, .finding.sev-low, .finding.sev-info { background: #fff; }
        .ids { color: var(--muted); font-size: 13px; }
        .pass { color: #1e8a4c; font-weight: 600; } .fail { color: #c0392b; font-weight: 600; }
        .chart { margin: 8px 0; }
        .examples { display: flex; flex-wrap: wrap; gap: 16px; }
        figure.example { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; page-break-inside: avoid; }
        figure.example .imgs { display: flex; gap: 6px; }
        figure.example .imgs div { text-align: center; font-size: 11px; color: var(--muted); }
        figure.example img { display: block; width: 84px; height: 84px; image-rendering: pixelated; image-rendering: crisp-edges; border: 1px solid var(--line); background: #000; }
        figcaption { font-size: 12px; margin-top: 6px; max-width: 270px; }
        @media print { body { max-width: none; padding: 0; font-size: 12px; } h2 { page-break-after: avoid; } #scorecard, .finding, figure.example, .chart { break-inside: avoid; } }
        """;

    private static readonly (string Key, string Label, string Color, string Dash)[] Curves =
    [
        ("white_box", "white-box", "#c0392b", ""),
        ("black_box", "black-box", "#2457c5", "6 3"),
        ("noise", "noise", "#1e8a4c", "2 3"),
    ];

    /// <summary>Renders <paramref name="report"/> as a self-contained HTML page.</summary>
    /// <param name="report">The audit report.</param>
    /// <returns>The page, UTF-8 text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is null.</exception>
    public static string Render(AuditReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder(64 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>Gauntlet security audit — ").Append(E(report.Model.Path)).Append("</title>\n")
            .Append("<style>\n").Append(Css).Append("\n</style>\n</head>\n<body>\n");

        html.Append("<h1>Gauntlet security audit</h1>\n<p class=\"sub\">Model <code>").Append(E(report.Model.Path))
            .Append("</code> (").Append(E(report.Model.Format)).Append(", ").Append(ReportText.Integer(report.Model.ClassCount))
            .Append(" classes) · ").Append(ReportText.Integer(report.Data.Samples)).Append(" samples of ").Append(E(report.Data.Source))
            .Append(" · clean accuracy ").Append(ReportText.Percent(report.CleanAccuracy))
            .Append(" · started ").Append(E(report.Reproducibility.StartedAt)).Append("</p>\n");

        AppendScorecard(html, report);
        AppendFindings(html, report);
        AppendThreats(html, report);
        AppendPerClass(html, report);
        AppendChecks(html, report);
        AppendGates(html, report);
        AppendExamples(html, report);
        AppendReproducibility(html, report);
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendScorecard(StringBuilder html, AuditReport report)
    {
        var card = report.Scorecard;
        var grade = card.Grade.Length == 1 && "ABCDF".Contains(card.Grade, StringComparison.Ordinal) ? card.Grade : "F";
        html.Append("<section id=\"scorecard\">\n<div class=\"score\">\n<div class=\"value\">").Append(ReportText.Number(card.OverallScore, 1))
            .Append("</div>\n<div class=\"outof\">overall score / 100</div>\n<div class=\"grade grade-").Append(grade).Append("\">").Append(E(card.Grade)).Append("</div>\n")
            .Append("<div class=\"status status-").Append(report.Status == "complete" ? "complete" : "partial").Append("\">Status: ").Append(E(report.Status)).Append("</div>\n");
        if (report.PartialReason is not null)
        {
            html.Append("<div class=\"partial\">Partial: ").Append(E(report.PartialReason)).Append("</div>\n");
        }

        html.Append("</div>\n<div class=\"categories\">\n<table>\n<thead><tr><th>Category</th><th>Score</th><th>Weight</th><th>Basis</th></tr></thead>\n<tbody>\n");
        foreach (var category in card.Categories)
        {
            html.Append("<tr><td>").Append(E(category.Name)).Append("</td>");
            if (category.Status == "assessed" && category.Score is { } score)
            {
                var width = Math.Clamp(score, 0, 100);
                html.Append("<td class=\"num\">").Append(ReportText.Number(score, 1)).Append(" <span class=\"bar\" style=\"width:")
                    .Append(ReportText.Number(width * 0.6, 1)).Append("px\"></span></td><td class=\"num\">").Append(ReportText.Number(category.Weight, 2)).Append("</td>");
            }
            else
            {
                html.Append("<td class=\"na\">not assessed</td><td class=\"na\">—</td>");
            }

            html.Append("<td>").Append(E(category.Basis)).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n</div>\n</section>\n");
    }

    private static void AppendFindings(StringBuilder html, AuditReport report)
    {
        html.Append("<h2>Findings</h2>\n");
        if (report.Findings.Count == 0)
        {
            html.Append("<p>No findings.</p>\n");
            return;
        }

        foreach (var finding in ReportText.Ranked(report.Findings))
        {
            var sev = finding.Severity.ToName();
            html.Append("<article class=\"finding sev-").Append(sev).Append("\">\n<span class=\"badge sev-").Append(sev).Append("\">").Append(E(sev))
                .Append("</span> <code>").Append(E(finding.Id)).Append("</code>\n<h3>").Append(E(finding.Title)).Append("</h3>\n<p>").Append(E(finding.Description)).Append("</p>\n");
            if (finding.Evidence.Count > 0)
            {
                html.Append("<table class=\"evidence\">\n<thead><tr>");
                foreach (var name in finding.Evidence.Keys)
                {
                    html.Append("<th>").Append(E(name)).Append("</th>");
                }

                html.Append("</tr></thead>\n<tbody><tr>");
                foreach (var value in finding.Evidence.Values)
                {
                    html.Append("<td class=\"num\">").Append(ReportText.Number(value, 4)).Append("</td>");
                }

                html.Append("</tr></tbody>\n</table>\n");
            }

            if (finding.AffectedClasses.Count > 0)
            {
                html.Append("<p><strong>Affected classes:</strong> ").Append(E(string.Join(", ", finding.AffectedClasses))).Append("</p>\n");
            }

            html.Append("<p><strong>Remediation:</strong> ").Append(E(finding.Remediation)).Append("</p>\n<p class=\"ids\">Category ").Append(E(finding.Category));
            if (finding.Threat is not null)
            {
                html.Append(" · threat ").Append(E(finding.Threat));
            }

            html.Append(" · OWASP ML: ").Append(finding.OwaspMl.Count > 0 ? E(string.Join(", ", finding.OwaspMl)) : "—")
                .Append(" · MITRE ATLAS: ").Append(finding.MitreAtlas.Count > 0 ? E(string.Join(", ", finding.MitreAtlas)) : "—").Append("</p>\n</article>\n");
        }
    }

    private static void AppendThreats(StringBuilder html, AuditReport report)
    {
        html.Append("<h2>Robust accuracy by budget</h2>\n");
        if (report.Threats.Count == 0)
        {
            html.Append("<p class=\"na\">No threat model was evaluated.</p>\n");
        }

        foreach (var threat in report.Threats)
        {
            html.Append("<h3>").Append(E(threat.Name)).Append(" (").Append(E(ReportText.NormName(threat.Norm))).Append(", reference ε = ")
                .Append(ReportText.Epsilon(threat.ReferenceEpsilon)).Append(")</h3>\n");
            AppendChart(html, threat, report.CleanAccuracy);
            foreach (var point in threat.Points)
            {
                html.Append("<table>\n<caption>ε = ").Append(ReportText.Epsilon(point.Epsilon)).Append(": robust accuracy white-box ")
                    .Append(ReportText.Percent(point.RobustAccuracy.WhiteBox)).Append(", black-box ").Append(ReportText.Percent(point.RobustAccuracy.BlackBox))
                    .Append(", noise ").Append(ReportText.Percent(point.RobustAccuracy.Noise)).Append("</caption>\n")
                    .Append("<thead><tr><th>Attack</th><th>Category</th><th>Attacked</th><th>Broken</th><th>Robust after</th><th>Median L2</th><th>Median L∞</th><th>Queries/sample</th><th>Seconds</th></tr></thead>\n<tbody>\n");
                foreach (var attack in point.Attacks)
                {
                    html.Append("<tr><td>").Append(E(attack.Attack)).Append("</td><td>").Append(E(ReportText.CategoryName(attack.Category)))
                        .Append("</td><td class=\"num\">").Append(ReportText.Integer(attack.Attacked))
                        .Append("</td><td class=\"num\">").Append(ReportText.Integer(attack.Broken))
                        .Append("</td><td class=\"num\">").Append(ReportText.Percent(attack.RobustAfter))
                        .Append("</td><td class=\"num\">").Append(ReportText.Number(attack.MedianL2, 4))
                        .Append("</td><td class=\"num\">").Append(ReportText.Number(attack.MedianLinf, 4))
                        .Append("</td><td class=\"num\">").Append(ReportText.Number(attack.QueriesPerSample, 1))
                        .Append("</td><td class=\"num\">").Append(ReportText.Number(attack.Seconds, 2)).Append("</td></tr>\n");
                }

                html.Append("</tbody>\n</table>\n");
            }
        }
    }

    /// <summary>An SVG line chart: robust accuracy (0–100%) against ε (0 to the largest budget), one polyline per attacker category.</summary>
    private static void AppendChart(StringBuilder html, ThreatResult threat, double cleanAccuracy)
    {
        const double width = 640, height = 320, left = 56, right = 150, top = 16, bottom = 48;
        const double plotW = width - left - right, plotH = height - top - bottom;
        if (threat.Points.Count == 0)
        {
            html.Append("<p class=\"na\">No budget was evaluated for this threat.</p>\n");
            return;
        }

        var maxEps = Math.Max(threat.Points.Max(p => (double)p.Epsilon), 1e-12);
        double X(double eps) => left + (eps / maxEps * plotW);
        double Y(double acc) => top + ((1 - Math.Clamp(acc, 0, 1)) * plotH);

        html.Append("<svg class=\"chart\" width=\"").Append(N(width)).Append("\" height=\"").Append(N(height))
            .Append("\" viewBox=\"0 0 ").Append(N(width)).Append(' ').Append(N(height)).Append("\" role=\"img\" aria-label=\"Robust accuracy versus epsilon for ")
            .Append(E(threat.Name)).Append("\" font-family=\"sans-serif\" font-size=\"11\">\n")
            .Append("<rect x=\"").Append(N(left)).Append("\" y=\"").Append(N(top)).Append("\" width=\"").Append(N(plotW)).Append("\" height=\"").Append(N(plotH)).Append("\" fill=\"#fff\" stroke=\"#8a93a5\"/>\n");

        for (var tick = 0; tick <= 100; tick += 20)
        {
            var y = Y(tick / 100.0);
            html.Append("<line x1=\"").Append(N(left)).Append("\" x2=\"").Append(N(left + plotW)).Append("\" y1=\"").Append(N(y)).Append("\" y2=\"").Append(N(y))
                .Append("\" stroke=\"#e3e7ee\"/>\n<text x=\"").Append(N(left - 6)).Append("\" y=\"").Append(N(y + 4)).Append("\" text-anchor=\"end\">")
                .Append(ReportText.Integer(tick)).Append("%</text>\n");
        }

        var ticks = new List<double> { 0 };
        ticks.AddRange(threat.Points.Select(p => (double)p.Epsilon));
        var lastLabelX = double.NegativeInfinity;
        foreach (var (tick, label) in ticks.Distinct().Select(t => (t, ReportText.Epsilon((float)t))))
        {
            var x = X(tick);
            html.Append("<line x1=\"").Append(N(x)).Append("\" x2=\"").Append(N(x)).Append("\" y1=\"").Append(N(top + plotH)).Append("\" y2=\"").Append(N(top + plotH + 5))
                .Append("\" stroke=\"#8a93a5\"/>\n");
            if (x - lastLabelX >= 28)
            {
                html.Append("<text x=\"").Append(N(x)).Append("\" y=\"").Append(N(top + plotH + 18)).Append("\" text-anchor=\"middle\">").Append(label).Append("</text>\n");
                lastLabelX = x;
            }
        }

        html.Append("<text x=\"").Append(N(left + (plotW / 2))).Append("\" y=\"").Append(N(height - 10)).Append("\" text-anchor=\"middle\" font-size=\"12\">ε (")
            .Append(E(ReportText.NormName(threat.Norm))).Append(" budget)</text>\n")
            .Append("<text transform=\"translate(14 ").Append(N(top + (plotH / 2))).Append(") rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">robust accuracy</text>\n");

        var cleanY = Y(cleanAccuracy);
        html.Append("<line x1=\"").Append(N(left)).Append("\" x2=\"").Append(N(left + plotW)).Append("\" y1=\"").Append(N(cleanY)).Append("\" y2=\"").Append(N(cleanY))
            .Append("\" stroke=\"#8a93a5\" stroke-dasharray=\"1 4\"/>\n");

        foreach (var (key, label, color, dash) in Curves)
        {
            var points = new List<(double Eps, double Acc)> { (0, cleanAccuracy) };
            points.AddRange(threat.Points.Select(p => ((double)p.Epsilon, Accuracy(p.RobustAccuracy, key))));
            html.Append("<polyline fill=\"none\" stroke=\"").Append(color).Append("\" stroke-width=\"2\"");
            if (dash.Length > 0)
            {
                html.Append(" stroke-dasharray=\"").Append(dash).Append('"');
            }

            html.Append(" points=\"").AppendJoin(' ', points.Select(p => N(X(p.Eps)) + "," + N(Y(p.Acc)))).Append("\"/>\n");
            foreach (var point in threat.Points)
            {
                var acc = Accuracy(point.RobustAccuracy, key);
                html.Append("<circle cx=\"").Append(N(X(point.Epsilon))).Append("\" cy=\"").Append(N(Y(acc))).Append("\" r=\"3.5\" fill=\"").Append(color)
                    .Append("\"><title>").Append(label).Append(" ε = ").Append(ReportText.Epsilon(point.Epsilon)).Append(": ").Append(ReportText.Percent(acc)).Append("</title></circle>\n");
            }
        }

        var legendX = left + plotW + 14;
        var legendY = top + 10;
        foreach (var (key, label, color, dash) in Curves)
        {
            html.Append("<line x1=\"").Append(N(legendX)).Append("\" x2=\"").Append(N(legendX + 24)).Append("\" y1=\"").Append(N(legendY)).Append("\" y2=\"").Append(N(legendY))
                .Append("\" stroke=\"").Append(color).Append("\" stroke-width=\"2\"");
            if (dash.Length > 0)
            {
                html.Append(" stroke-dasharray=\"").Append(dash).Append('"');
            }

            html.Append("/>\n<text x=\"").Append(N(legendX + 30)).Append("\" y=\"").Append(N(legendY + 4)).Append("\">").Append(label);
            if (!threat.Points.Any(p => p.Attacks.Any(a => a.Category == key)))
            {
                // The category's curve then only inherits the weaker attackers' breaks.
                html.Append(" (none run)");
            }

            html.Append("</text>\n");
            legendY += 20;
        }

        html.Append("<line x1=\"").Append(N(legendX)).Append("\" x2=\"").Append(N(legendX + 24)).Append("\" y1=\"").Append(N(legendY)).Append("\" y2=\"").Append(N(legendY))
            .Append("\" stroke=\"#8a93a5\" stroke-dasharray=\"1 4\"/>\n<text x=\"").Append(N(legendX + 30)).Append("\" y=\"").Append(N(legendY + 4)).Append("\">clean ")
            .Append(ReportText.Percent(cleanAccuracy)).Append("</text>\n</svg>\n");
    }

    private static double Accuracy(CategoryAccuracy accuracy, string key) => key switch
    {
        "white_box" => accuracy.WhiteBox,
        "black_box" => accuracy.BlackBox,
        _ => accuracy.Noise,
    };

    private static void AppendPerClass(StringBuilder html, AuditReport report)
    {
        html.Append("<h2>Per class</h2>\n");
        foreach (var threat in report.Threats)
        {
            html.Append("<table>\n<caption>").Append(E(threat.Name)).Append(" at ε = ").Append(ReportText.Epsilon(threat.ReferenceEpsilon)).Append(" (white-box)</caption>\n")
                .Append("<thead><tr><th>#</th><th>Class</th><th>Samples</th><th>Clean accuracy</th><th>Robust accuracy</th></tr></thead>\n<tbody>\n");
            foreach (var row in threat.PerClass)
            {
                html.Append("<tr><td class=\"num\">").Append(ReportText.Integer(row.ClassIndex)).Append("</td><td>").Append(E(row.Name))
                    .Append("</td><td class=\"num\">").Append(ReportText.Integer(row.Count))
                    .Append("</td><td class=\"num\">").Append(ReportText.Percent(row.CleanAccuracy))
                    .Append("</td><td class=\"num\">").Append(ReportText.Percent(row.RobustAccuracy)).Append("</td></tr>\n");
            }

            html.Append("</tbody>\n</table>\n");
        }
    }

    private static void AppendChecks(StringBuilder html, AuditReport report)
    {
        html.Append("<h2>Evaluation checks (gradient masking)</h2>\n");
        if (report.Checks.Count == 0)
        {
            html.Append("<p class=\"na\">No checks ran.</p>\n");
            return;
        }

        html.Append("<table>\n<thead><tr><th>Check</th><th>Threat</th><th>Result</th><th>Detail</th></tr></thead>\n<tbody>\n");
        foreach (var check in report.Checks)
        {
            html.Append("<tr><td>").Append(E(check.Name)).Append("<br><code>").Append(E(check.Id)).Append("</code></td><td>").Append(check.Threat is null ? "—" : E(check.Threat))
                .Append("</td><td class=\"").Append(check.Passed ? "pass\">passed" : "fail\">FAILED").Append("</td><td>").Append(E(check.Detail)).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static void AppendGates(StringBuilder html, AuditReport report)
    {
        if (report.Gates.Count == 0)
        {
            return;
        }

        html.Append("<h2>CI gates</h2>\n<table>\n<thead><tr><th>Gate</th><th>Threshold</th><th>Actual</th><th>Result</th></tr></thead>\n<tbody>\n");
        foreach (var gate in report.Gates)
        {
            html.Append("<tr><td>").Append(E(gate.Name)).Append("</td><td class=\"num\">").Append(ReportText.Number(gate.Threshold, 4))
                .Append("</td><td class=\"num\">").Append(ReportText.Number(gate.Actual, 4)).Append("</td><td class=\"").Append(gate.Passed ? "pass\">passed" : "fail\">FAILED")
                .Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static void AppendExamples(StringBuilder html, AuditReport report)
    {
        html.Append("<h2>Examples</h2>\n");
        if (report.Examples.Count == 0)
        {
            html.Append("<p class=\"na\">No adversarial examples were recorded.</p>\n");
            return;
        }

        html.Append("<div class=\"examples\">\n");
        foreach (var example in report.Examples)
        {
            html.Append("<figure class=\"example\">\n<div class=\"imgs\">");
            AppendImage(html, example.CleanPng, "clean", "clean input, label " + example.Label);
            AppendImage(html, example.AdversarialPng, "adversarial", "adversarial input, predicted " + example.AdversarialPrediction);
            AppendImage(html, example.PerturbationPng, "perturbation", "perturbation, rescaled");
            html.Append("</div>\n<figcaption>#").Append(ReportText.Integer(example.Index)).Append(" · label <strong>").Append(E(example.Label))
                .Append("</strong> · clean → ").Append(E(example.CleanPrediction)).Append(" · adversarial → <strong>").Append(E(example.AdversarialPrediction))
                .Append("</strong> (").Append(ReportText.Percent(example.AdversarialConfidence)).Append(")<br>").Append(E(example.Attack)).Append(", ")
                .Append(E(example.Threat)).Append(" ε = ").Append(ReportText.Epsilon(example.Epsilon)).Append("</figcaption>\n</figure>\n");
        }

        html.Append("</div>\n");
    }

    private static void AppendImage(StringBuilder html, string base64Png, string caption, string alt)
    {
        // Only base64 characters go into the data URI, so a hostile report cannot break out of the attribute.
        var clean = base64Png.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=') ? base64Png : string.Empty;
        html.Append("<div><img src=\"data:image/png;base64,").Append(clean).Append("\" alt=\"").Append(E(alt)).Append("\" width=\"84\" height=\"84\">")
            .Append(caption).Append("</div>");
    }

    private static void AppendReproducibility(StringBuilder html, AuditReport report)
    {
        var r = report.Reproducibility;
        var m = r.Machine;
        html.Append("<h2>Reproducibility</h2>\n<table>\n<tbody>\n");
        Row(html, "Tool version", r.ToolVersion);
        Row(html, "Report schema", report.SchemaVersion);
        Row(html, "Seed", ReportText.Integer(r.Seed));
        Row(html, "Model", report.Model.Path);
        Row(html, "Model SHA-256", r.ModelSha256);
        Row(html, "Data", report.Data.Source);
        Row(html, "Data SHA-256", r.DataSha256);
        Row(html, "Machine", $"{m.Os}, {m.Runtime}, {m.Architecture}, {ReportText.Integer(m.ProcessorCount)} logical processors, SIMD {m.Simd}");
        Row(html, "Started", r.StartedAt);
        Row(html, "Wall time", ReportText.Number(r.Seconds, 1) + " s");
        html.Append("</tbody>\n</table>\n<h3>Plan</h3>\n<pre>").Append(E(JsonSerializer.Serialize(r.Plan, ReportJson.Options))).Append("</pre>\n");
    }

    private static void Row(StringBuilder html, string name, string value) =>
        html.Append("<tr><th>").Append(name).Append("</th><td><code>").Append(E(value)).Append("</code></td></tr>\n");

    private static string N(double value) => ReportText.Number(value, 1);

    /// <summary>HTML-escapes text for element content and double-quoted attributes.</summary>
    private static string E(string text)
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
}
