using System.Globalization;
using System.Net;
using System.Text;
using Gauntlet.Governance.Compliance;
using Gauntlet.Governance.Registry;
using Gauntlet.Reporting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gauntlet.Server.Dashboard;

/// <summary>
/// The dashboard: server-rendered HTML pages with the reports' style sheet, no script and no CDN —
/// overview, registry, reports, compliance, log verification and live monitoring.
/// </summary>
public static class DashboardPages
{
    /// <summary>The pages as (path, title), in navigation order.</summary>
    public static readonly IReadOnlyList<(string Path, string Title)> Pages =
    [
        ("/dashboard", "Overview"),
        ("/dashboard/registry", "Registry"),
        ("/dashboard/reports", "Reports"),
        ("/dashboard/compliance", "Compliance"),
        ("/dashboard/log", "Decision log"),
        ("/dashboard/monitoring", "Monitoring"),
    ];

    /// <summary>Maps the pages onto <paramref name="app"/>.</summary>
    public static void Map(WebApplication app, ServerState state)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/", () => Results.Redirect("/dashboard"));
        app.MapGet("/dashboard", () => Page("Overview", Overview(state)));
        app.MapGet("/dashboard/registry", () => Page("Registry", Registry(state)));
        app.MapGet("/dashboard/reports", () => Page("Reports", Reports(state)));
        app.MapGet("/dashboard/compliance", () => Page("Compliance", Compliance(state)));
        app.MapGet("/dashboard/log", (HttpContext c) => Page("Decision log", Log(state, c.Request.Query["index"].FirstOrDefault())));
        app.MapGet("/dashboard/monitoring", () => Page("Monitoring", Monitoring(state)));
    }

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    private static string N(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    private static IResult Page(string title, string body)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Append("<title>").Append(E(title)).Append(" · Gauntlet</title><style>").Append(HtmlStyles.Css)
            .Append("nav ul{list-style:none;padding:0;display:flex;gap:16px;flex-wrap:wrap} nav a[aria-current]{font-weight:700} .ok{color:var(--good);font-weight:600} .bad{color:var(--bad);font-weight:600}</style></head><body>");
        html.Append("<header><p class=\"sub\">Gauntlet server</p><nav aria-label=\"Dashboard\"><ul>");
        foreach (var (path, name) in Pages)
        {
            html.Append("<li><a href=\"").Append(path).Append('"').Append(name == title ? " aria-current=\"page\"" : string.Empty).Append('>').Append(E(name)).Append("</a></li>");
        }

        html.Append("</ul></nav></header><main><h1>").Append(E(title)).Append("</h1>").Append(body).Append("</main></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }

    private static string Table(string caption, string[] headers, IEnumerable<string[]> rows)
    {
        var html = new StringBuilder("<table><caption>").Append(E(caption)).Append("</caption><thead><tr>");
        foreach (var h in headers)
        {
            html.Append("<th scope=\"col\">").Append(E(h)).Append("</th>");
        }

        html.Append("</tr></thead><tbody>");
        var any = false;
        foreach (var row in rows)
        {
            any = true;
            html.Append("<tr>");
            foreach (var cell in row)
            {
                html.Append("<td>").Append(cell).Append("</td>");
            }

            html.Append("</tr>");
        }

        if (!any)
        {
            html.Append("<tr><td colspan=\"").Append(headers.Length).Append("\">none</td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }

    private static string Overview(ServerState state)
    {
        var m = state.Model;
        var latency = state.LatencyPercentiles();
        return Table("Served model", ["Name", "Version", "Sample shape", "Classes", "SHA-256"],
                [[E(m.Name), E(m.Version), E("[" + string.Join(", ", m.SampleShape) + "]"), m.Classifier.ClassCount.ToString(CultureInfo.InvariantCulture), "<code>" + E(m.Sha256) + "</code>"]])
            + Table("Status", ["Started", "Requests", "p50 latency (ms)", "p99 latency (ms)", "Logged decisions", "Alerts"],
                [[E(state.Started.ToString("u", CultureInfo.InvariantCulture)), state.Requests.ToString(CultureInfo.InvariantCulture),
                  latency is { } l ? N(l.P50) : "–", latency is { } l2 ? N(l2.P99) : "–", state.Log.Size.ToString(CultureInfo.InvariantCulture),
                  state.AlertCounts.Values.Sum().ToString(CultureInfo.InvariantCulture)]])
            + "<p>Endpoints: <code>POST /v1/predict</code> (JSON, raw float32, .npy), <a href=\"/healthz\">/healthz</a>, <a href=\"/readyz\">/readyz</a>, <a href=\"/metrics\">/metrics</a>.</p>";
    }

    private static ModelRegistry? OpenRegistry(ServerState state) => state.Options.Registry is { } r ? ModelRegistry.Open(r) : null;

    private static string Registry(ServerState state)
    {
        using var registry = OpenRegistry(state);
        if (registry is null)
        {
            return "<p>No registry: start the server with <code>--registry</code> to show models, versions, aliases and reports.</p>";
        }

        var html = new StringBuilder().Append("<p>Registry: <code>").Append(E(registry.Location)).Append("</code></p>");
        var models = registry.List();
        html.Append(Table("Models", ["Model", "Description", "Latest version", "Versions", "Aliases"], models.Select(s => new[]
        {
            E(s.Name), E(s.Description), s.LatestVersion.ToString(CultureInfo.InvariantCulture), s.Versions.ToString(CultureInfo.InvariantCulture),
            E(string.Join(", ", s.Aliases.Select(a => $"{a.Key} → {a.Value}"))),
        })));
        foreach (var s in models.Where(s => s.LatestVersion > 0))
        {
            var v = registry.Show($"{s.Name}@{s.LatestVersion}");
            html.Append(Table($"{v.Reference}: attached reports", ["Kind", "Score", "SHA-256", "Attached"], v.Results.Select(r => new[]
            {
                E(r.Kind), r.Score is { } sc ? N(sc) : "–", "<code>" + E(r.ReportSha256[..16]) + "…</code>", E(r.CreatedAt),
            })));
        }

        return html.ToString();
    }

    private static string Reports(ServerState state)
    {
        var rows = state.Options.Reports.Select(path => new[]
        {
            "<code>" + E(Path.GetFileName(path)) + "</code>", File.Exists(path) ? new FileInfo(path).Length.ToString(CultureInfo.InvariantCulture) : "missing",
        }).ToList();
        using var registry = OpenRegistry(state);
        if (registry is not null)
        {
            foreach (var s in registry.List().Where(s => s.LatestVersion > 0))
            {
                rows.AddRange(registry.Show($"{s.Name}@{s.LatestVersion}").Results.Select(r => new[] { E($"{s.Name}@{s.LatestVersion} {r.Kind}"), E(r.SourcePath) }));
            }
        }

        return Table("Reports", ["Report", "Size (bytes) or source"], rows);
    }

    private static string Compliance(ServerState state)
    {
        using var registry = OpenRegistry(state);
        if (registry is null)
        {
            return "<p>No registry: compliance status is evaluated against registered versions (start with <code>--registry</code>).</p>";
        }

        var rows = new List<string[]>();
        foreach (var s in registry.List().Where(s => s.LatestVersion > 0))
        {
            foreach (var name in PolicyLoader.BuiltIn)
            {
                var report = ComplianceEvaluator.Evaluate(PolicyLoader.Load(name), registry, $"{s.Name}@{s.LatestVersion}");
                rows.Add([E($"{s.Name}@{s.LatestVersion}"), E(name),
                    string.Join(", ", Enum.GetValues<ComplianceStatus>().Select(st => $"{st.Name()}: {report.Count(st)}")),
                    report.Passes(false) ? "<span class=\"ok\">passes</span>" : "<span class=\"bad\">fails</span>"]);
            }
        }

        return Table("Compliance status", ["Model", "Policy", "Requirements", "Status"], rows);
    }

    private static string Log(ServerState state, string? index)
    {
        var html = new StringBuilder();
        html.Append("<p>Log folder <code>").Append(E(state.Log.Folder)).Append("</code> holds ").Append(state.Log.Size).Append(" entries.</p>");
        html.Append("<form method=\"get\" action=\"/dashboard/log\"><label for=\"index\">Decision log index</label> <input id=\"index\" name=\"index\" type=\"number\" min=\"0\" value=\"")
            .Append(E(index)).Append("\"> <button type=\"submit\">Verify inclusion proof</button></form>");
        if (index is null)
        {
            return html.ToString();
        }

        if (!long.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var i) || i >= state.Log.Size)
        {
            return html.Append("<p role=\"alert\" class=\"bad\">").Append(E(index)).Append(" is not an index in this log.</p>").ToString();
        }

        var proof = state.Log.Prove(i);
        html.Append("<p role=\"status\" id=\"verdict\" class=\"").Append(proof.Verified ? "ok\">Verified: entry " : "bad\">NOT verified: entry ").Append(i)
            .Append(" is included in the tree of ").Append(proof.Proof.TreeSize).Append(" entries.</p>");
        var r = proof.Record;
        html.Append(Table("Decision", ["Field", "Value"], r is null ? [["entry", "not a decision record"]] :
        [
            ["id", "<code>" + E(r.Id) + "</code>"], ["time", E(r.Time.ToString("O", CultureInfo.InvariantCulture))], ["key", E(r.Key)],
            ["model", E($"{r.Model} version {r.Version}")], ["input SHA-256", "<code>" + E(r.InputSha256) + "</code>"], ["class", r.PredictedClass.ToString(CultureInfo.InvariantCulture)],
        ]));
        html.Append(Table("Inclusion proof", ["Field", "Value"],
        [
            ["leaf hash", "<code>" + Convert.ToHexStringLower(proof.Proof.LeafHash) + "</code>"],
            ["root hash", "<code>" + Convert.ToHexStringLower(proof.Proof.RootHash) + "</code>"],
            ["audit path", string.Join("<br>", proof.Proof.AuditPath.Select(h => "<code>" + Convert.ToHexStringLower(h) + "</code>"))],
        ]));
        return html.ToString();
    }

    private static string Monitoring(ServerState state)
    {
        var drift = state.LatestDrift;
        var html = new StringBuilder();
        html.Append("<p>Drift: ").Append(drift.Ready ? drift.Drifted ? "<span class=\"bad\">drift detected</span>" : "<span class=\"ok\">no drift</span>" : "waiting for a full window")
            .Append(". Accuracy from delayed labels: ").Append(state.Accuracy?.Accuracy is { } a ? N(a) : "no labels yet").Append(".</p>");
        html.Append(Table("Drift statistics (current window against the reference)", ["Statistic", "Value", "p-value", "Threshold", "Drifted"], drift.Statistics.Select(s => new[]
        {
            E(s.Name), N(s.Statistic), s.PValue is { } p ? N(p) : "–", N(s.Threshold), s.Drifted ? "<span class=\"bad\">yes</span>" : "no",
        })));
        var latency = state.LatencyPercentiles();
        html.Append(Table("Latency", ["Requests", "p50 (ms)", "p99 (ms)"], [[state.Requests.ToString(CultureInfo.InvariantCulture), latency is { } l ? N(l.P50) : "–", latency is { } l2 ? N(l2.P99) : "–"]]));
        html.Append(Table("Alerts by kind", ["Kind", "Count"], state.AlertCounts.Select(kv => new[] { E(kv.Key), kv.Value.ToString(CultureInfo.InvariantCulture) })));
        html.Append(Table("Recent alerts", ["Time", "Kind", "Key", "Statistic", "Threshold", "Detail"], state.RecentAlerts.TakeLast(50).Reverse().Select(al => new[]
        {
            E(al.Time.ToString("u", CultureInfo.InvariantCulture)), E(al.Kind), E(al.Key), N(al.Statistic), N(al.Threshold), E(al.Detail),
        })));
        return html.ToString();
    }
}
