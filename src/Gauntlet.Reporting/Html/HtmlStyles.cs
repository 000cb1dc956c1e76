namespace Gauntlet.Reporting;

/// <summary>The one style sheet every HTML report carries inline.</summary>
/// <remarks>
/// Text colours meet WCAG AA contrast (4.5:1) on their backgrounds: white badge text on the
/// severity colours, muted grey on white and on the panel, pass green and fail red on white.
/// Grade discs are large bold text (3:1). Print: no max width, nothing split across pages.
/// </remarks>
public static class HtmlStyles
{
    /// <summary>The style sheet's text (also used by the server's dashboard pages).</summary>
    public const string Css = """
        :root { --ink: #1d2433; --muted: #5b6475; --line: #d8dde6; --panel: #f5f7fa; --accent: #2457c5; --good: #17743f; --bad: #b3261e; }
        * { box-sizing: border-box; }
        body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px; background: #fff; }
        h1 { font-size: 26px; margin: 0 0 4px; }
        h2 { font-size: 20px; margin: 32px 0 12px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
        h3 { font-size: 16px; margin: 20px 0 8px; }
        h4 { font-size: 15px; margin: 16px 0 6px; }
        .sub { color: var(--muted); margin: 0 0 16px; }
        .sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
        code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 13px; }
        pre { background: var(--panel); border: 1px solid var(--line); padding: 12px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
        details { margin: 8px 0 16px; }
        summary { cursor: pointer; font-weight: 600; }
        table { border-collapse: collapse; margin: 8px 0 16px; font-size: 14px; }
        caption { text-align: left; font-weight: 600; padding: 2px 0 6px; }
        th, td { border: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
        th { background: var(--panel); }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.center, th.center { text-align: center; }
        #scorecard { display: flex; flex-wrap: wrap; gap: 24px; align-items: stretch; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 20px; }
        .score { min-width: 220px; text-align: center; }
        .score .value { font-size: 64px; font-weight: 700; line-height: 1; }
        .score .outof { color: var(--muted); }
        .grade { display: inline-block; margin-top: 8px; font-size: 28px; font-weight: 700; width: 56px; height: 56px; line-height: 56px; border-radius: 50%; color: #fff; }
        .grade-A { background: #1e8a4c; } .grade-B { background: #5a9e2f; } .grade-C { background: #9a7400; } .grade-D { background: #d4661c; } .grade-F { background: #c0392b; } .grade-other { background: #5b6475; }
        .ungraded { display: inline-block; margin-top: 8px; padding: 4px 14px; border: 2px dashed var(--bad); border-radius: 18px; color: var(--bad); font-size: 18px; font-weight: 700; }
        .status { margin-top: 10px; font-weight: 600; }
        .status-complete { color: var(--good); } .status-partial, .status-incomplete { color: var(--bad); }
        .summary { margin-top: 6px; }
        .categories { flex: 1; min-width: 420px; }
        .categories table { width: 100%; margin: 0; background: #fff; }
        .bar { display: inline-block; height: 10px; background: var(--accent); border-radius: 2px; vertical-align: middle; }
        .na, p.muted { color: var(--muted); font-style: italic; }
        td.na { white-space: nowrap; }
        .partial, .notice { border: 2px solid var(--bad); background: #fdecea; padding: 10px 14px; border-radius: 6px; margin: 12px 0; }
        .finding { border: 1px solid var(--line); border-left-width: 6px; border-radius: 6px; padding: 10px 16px; margin: 12px 0; page-break-inside: avoid; }
        .finding h3, .finding h4 { margin: 4px 0 6px; }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; }
        .sev-critical { background: #7b1fa2; border-left-color: #7b1fa2; } .sev-high { background: #c0392b; border-left-color: #c0392b; }
        .sev-medium { background: #b3541e; border-left-color: #b3541e; } .sev-low { background: #8a6d00; border-left-color: #8a6d00; }
        .sev-info { background: #5b6475; border-left-color: #5b6475; }
        .finding.sev-critical, .finding.sev-high, .finding.sev-medium, .finding.sev-low, .finding.sev-info { background: #fff; }
        .ids { color: var(--muted); font-size: 13px; }
        .pass { color: var(--good); font-weight: 600; } .fail { color: var(--bad); font-weight: 600; }
        .chart { margin: 8px 0; width: 100%; max-width: 100%; height: auto; }
        .examples { display: flex; flex-wrap: wrap; gap: 16px; }
        figure.example { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; page-break-inside: avoid; }
        figure.example .imgs { display: flex; gap: 6px; }
        figure.example .imgs div { text-align: center; font-size: 11px; color: var(--muted); }
        figure.example img { display: block; image-rendering: pixelated; image-rendering: crisp-edges; border: 1px solid var(--line); background: #000; }
        figcaption { font-size: 12px; margin-top: 6px; max-width: 270px; }
        footer { margin-top: 32px; border-top: 2px solid var(--line); padding-top: 8px; color: var(--muted); }
        @media print { body { max-width: none; padding: 0; font-size: 12px; } h2 { page-break-after: avoid; } #scorecard, .finding, figure.example, .chart, table { break-inside: avoid; } }
        """;
}
