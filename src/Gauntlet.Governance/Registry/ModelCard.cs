using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Gauntlet.Governance.Registry;

/// <summary>
/// A model card generated from what the registry holds about a version — identity and hashes,
/// signature, lineage, tags and aliases, and every attached result with its score — as Markdown
/// and as JSON. Nothing is written by hand, so the card cannot claim what the registry lacks.
/// </summary>
public static class ModelCard
{
    /// <summary>The card as JSON (snake_case).</summary>
    public static JsonObject Json(RegisteredVersion v) => new()
    {
        ["schema_version"] = 1,
        ["model"] = v.Model,
        ["version"] = v.Version,
        ["reference"] = v.Reference,
        ["format"] = v.Format,
        ["framework"] = v.Framework,
        ["sha256"] = v.Sha256,
        ["size_bytes"] = v.SizeBytes,
        ["registered_at"] = v.CreatedAt,
        ["files"] = new JsonArray([.. v.Files.Select(f => (JsonNode)new JsonObject { ["path"] = f.Path, ["sha256"] = f.Sha256, ["size_bytes"] = f.SizeBytes })]),
        ["signature"] = v.Signature.DeepClone(),
        ["lineage"] = v.Lineage.DeepClone(),
        ["aliases"] = new JsonArray([.. v.Aliases.Select(a => (JsonNode)a)]),
        ["tags"] = new JsonObject(v.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))),
        ["results"] = new JsonArray([.. v.Results.Select(r => (JsonNode)new JsonObject { ["kind"] = r.Kind, ["score"] = r.Score, ["report_sha256"] = r.ReportSha256, ["attached_at"] = r.CreatedAt, ["source"] = r.SourcePath })]),
    };

    /// <summary>The card as Markdown.</summary>
    public static string Markdown(RegisteredVersion v)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Model card: {Escape(v.Reference)}\n\n");
        md.Append("| field | value |\n| --- | --- |\n");
        md.Append(CultureInfo.InvariantCulture, $"| format | {Escape(v.Format)} |\n| framework | {Escape(v.Framework)} |\n| SHA-256 | `{v.Sha256}` |\n| size | {v.SizeBytes} bytes |\n| registered | {v.CreatedAt} |\n");
        md.Append(CultureInfo.InvariantCulture, $"| aliases | {Escape(string.Join(", ", v.Aliases))} |\n\n");
        md.Append("## Signature\n\n```json\n").Append(v.Signature.ToJsonString()).Append("\n```\n\n");
        md.Append("## Lineage\n\n");
        var data = v.Lineage["data"]?.AsArray() ?? [];
        md.Append(data.Count == 0 ? "- training data: not recorded\n" : string.Concat(data.Select(d => $"- training data: `{(string?)d!["path"]}` (SHA-256 `{(string?)d["sha256"]}`)\n")));
        md.Append(CultureInfo.InvariantCulture, $"- parent: {Escape((string?)v.Lineage["parent"] ?? "none")}\n");
        md.Append(CultureInfo.InvariantCulture, $"- training config: {((string?)v.Lineage["training_config"]?["sha256"] is { } c ? $"SHA-256 `{c}`" : "not recorded")}\n");
        md.Append(CultureInfo.InvariantCulture, $"- training log: {((string?)v.Lineage["training_log"]?["sha256"] is { } l ? $"SHA-256 `{l}`" : "not recorded")}\n");
        md.Append(CultureInfo.InvariantCulture, $"- differential privacy ε: {(v.Lineage["dp_epsilon"] is { } e ? e.ToJsonString() : "not trained with DP (or not recorded)")}\n\n");
        md.Append("## Security results\n\n");
        if (v.Results.Count == 0)
        {
            md.Append("No results attached.\n\n");
        }
        else
        {
            md.Append("| kind | score | report SHA-256 | attached |\n| --- | --- | --- | --- |\n");
            foreach (var r in v.Results)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {Escape(r.Kind)} | {(r.Score is { } s ? s.ToString("0.##", CultureInfo.InvariantCulture) : "—")} | `{r.ReportSha256[..16]}…` | {r.CreatedAt} |\n");
            }

            md.Append('\n');
        }

        md.Append("## Tags\n\n");
        md.Append(v.Tags.Count == 0 ? "None.\n" : string.Concat(v.Tags.Select(t => $"- {Escape(t.Key)}: {Escape(t.Value)}\n")));
        return md.ToString();
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
