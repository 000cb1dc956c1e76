using System.Text.Json;
using System.Text.Json.Nodes;
using Gauntlet.Audit.Reporting;

namespace Gauntlet.Audit.Tests;

/// <summary>
/// The demo audit's numbers are pinned by a committed golden summary (Golden/demo-audit.golden.json),
/// taken from the default plan (evasion module) before the assessment modules existed, and
/// regenerated once since, when the report's examples became one per sample (the numbers, findings
/// and checks were unchanged), and when the privacy module's name gained "model extraction" (its
/// extraction runs only when the plan selects privacy, which the golden plan does not). Refactors must leave every value in it unchanged; they may add fields. Timings, the machine and the tool version are left
/// out, and so are categories that were not assessed (their wording is not a number).
/// To regenerate after an intended change: GAUNTLET_UPDATE_GOLDEN=1 dotnet test --filter GoldenAuditTests.
/// </summary>
public sealed class GoldenAuditTests
{
    private static readonly string GoldenPath = Path.Combine(RepoPaths.Root, "tests", "Gauntlet.Audit.Tests", "Golden", "demo-audit.golden.json");

    private static readonly HashSet<string> Volatile = ["seconds", "started_at", "machine", "tool_version"];

    [Fact]
    public void DemoAudit_DefaultPlan_MatchesTheGoldenSummary()
    {
        var report = DemoAudit.Run(DemoAudit.GoldenPlan);
        var actual = Project(JsonNode.Parse(ReportJson.Serialize(report))!);
        if (Environment.GetEnvironmentVariable("GAUNTLET_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(GoldenPath, actual.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }

        var golden = JsonNode.Parse(File.ReadAllText(GoldenPath))!;
        var differences = new List<string>();
        Contains(golden, actual, "$", differences);
        Assert.True(differences.Count == 0, "differs from the golden summary:\n" + string.Join("\n", differences.Take(20)));
    }

    // Keeps what the golden pins: every value but timings, the machine, the tool version and the
    // wording of categories that were not assessed.
    private static JsonNode Project(JsonNode report)
    {
        var copy = Strip(report)!;
        var categories = copy["scorecard"]!["categories"]!.AsArray();
        for (var i = categories.Count - 1; i >= 0; i--)
        {
            if ((string?)categories[i]!["status"] != "assessed")
            {
                categories.RemoveAt(i);
            }
        }

        return copy;
    }

    private static JsonNode? Strip(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Where(p => !Volatile.Contains(p.Key)).Select(p => KeyValuePair.Create(p.Key, Strip(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Strip)]),
        null => null,
        _ => node.DeepClone(),
    };

    // Every key of the golden must be in the actual report with an equal value; the actual report
    // may have more keys. Arrays must have the same length and match element by element.
    private static void Contains(JsonNode? golden, JsonNode? actual, string path, List<string> differences)
    {
        switch (golden)
        {
            case JsonObject g when actual is JsonObject a:
                foreach (var (key, value) in g)
                {
                    if (!a.ContainsKey(key))
                    {
                        differences.Add($"{path}.{key}: missing");
                    }
                    else
                    {
                        Contains(value, a[key], $"{path}.{key}", differences);
                    }
                }

                break;
            case JsonArray g when actual is JsonArray a:
                if (g.Count != a.Count)
                {
                    differences.Add($"{path}: {g.Count} elements in the golden, {a.Count} now");
                    break;
                }

                for (var i = 0; i < g.Count; i++)
                {
                    Contains(g[i], a[i], $"{path}[{i}]", differences);
                }

                break;
            default:
                if (!JsonNode.DeepEquals(golden, actual))
                {
                    differences.Add($"{path}: golden {golden?.ToJsonString() ?? "null"}, now {actual?.ToJsonString() ?? "null"}");
                }

                break;
        }
    }
}
