namespace Gauntlet.Audit.Reporting;

/// <summary>Writes an audit's report files (JSON only until the renderers land).</summary>
public static class ReportWriter
{
    /// <summary>Writes the reports into <paramref name="directory"/> and returns their paths.</summary>
    public static IReadOnlyList<string> WriteAll(this AuditReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, ReportJson.FileName);
        File.WriteAllText(path, ReportJson.Serialize(report));
        return [path];
    }

    /// <summary>Renders one format: json, html, md, sarif or junit.</summary>
    public static string Render(AuditReport report, string format) => format switch
    {
        "json" => ReportJson.Serialize(report),
        _ => throw new ArgumentException($"unknown report format '{format}'; expected json, html, md, sarif or junit.", nameof(format)),
    };
}
