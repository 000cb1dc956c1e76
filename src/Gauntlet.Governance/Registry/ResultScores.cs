using System.Globalization;
using System.Text.Json.Nodes;

namespace Gauntlet.Governance.Registry;

/// <summary>
/// The headline score of a Gauntlet report, found by the first of a list of known paths that holds
/// a number: the audit's <c>scorecard.overall_score</c>, a privacy report's <c>auc</c>, and so on.
/// </summary>
public static class ResultScores
{
    /// <summary>The paths tried, in order (dotted; the first that holds a number wins).</summary>
    public static IReadOnlyList<string> Paths { get; } =
        ["scorecard.overall_score", "overall_score", "score", "summary.score", "robust_accuracy", "auc", "detection_rate", "attack_success_rate"];

    /// <summary>The score of <paramref name="report"/>, or null when it has none.</summary>
    public static double? Of(JsonNode report) => Paths.Select(p => Number(Find(report, p))).FirstOrDefault(v => v is not null);

    /// <summary>The node at a dotted path (<c>a.b.c</c>; a number picks an array item), or null.</summary>
    public static JsonNode? Find(JsonNode? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            node = node switch
            {
                JsonObject o => o[part],
                JsonArray a when int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>The node as a number (a JSON number, or a string that parses as one), or null.</summary>
    public static double? Number(JsonNode? node) => node is JsonValue v
        ? v.TryGetValue<double>(out var d) ? d
        : v.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) ? p : null
        : null;
}
