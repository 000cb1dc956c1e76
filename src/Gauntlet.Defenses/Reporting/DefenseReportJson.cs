using System.Text.Json;

namespace Gauntlet.Defenses.Reporting;

/// <summary><c>defense_report.json</c>: <see cref="DefenseReport"/> with snake_case keys, indented.</summary>
public static class DefenseReportJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    /// <summary>The report as JSON.</summary>
    public static string Serialize(DefenseReport report) => JsonSerializer.Serialize(report, Options);
}
