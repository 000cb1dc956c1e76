namespace Gauntlet.Core.Sarif;

/// <summary>How <see cref="Severity"/> and file paths map onto SARIF, the same for every Gauntlet report.</summary>
public static class SarifSeverity
{
    /// <summary>The SARIF level of a severity: critical and high are <c>error</c>, medium is <c>warning</c>, low and info are <c>note</c>.</summary>
    /// <param name="severity">The severity.</param>
    /// <returns>The level.</returns>
    public static SarifLevel Level(Severity severity) => severity switch
    {
        Severity.Critical or Severity.High => SarifLevel.Error,
        Severity.Medium => SarifLevel.Warning,
        _ => SarifLevel.Note,
    };

    /// <summary>
    /// The numeric <c>security-severity</c> code-scanning dashboards sort by (GitHub reads it from
    /// rule properties): critical 9.5, high 8.0, medium 5.5, low 3.0, info 0.0.
    /// </summary>
    /// <param name="severity">The severity.</param>
    /// <returns>"9.5", "8.0", "5.5", "3.0" or "0.0".</returns>
    public static string SecuritySeverity(Severity severity) => severity switch
    {
        Severity.Critical => "9.5",
        Severity.High => "8.0",
        Severity.Medium => "5.5",
        Severity.Low => "3.0",
        _ => "0.0",
    };

    /// <summary>A <c>/</c>-separated relative path as a relative URI reference: each segment is percent-encoded, so a <c>\</c> or a space in a file name survives as <c>%5C</c> or <c>%20</c>.</summary>
    /// <param name="relativePath">The path, <c>/</c>-separated.</param>
    /// <returns>The URI reference, e.g. <c>models/my%20net.onnx</c>.</returns>
    public static string RelativeUri(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        return string.Join('/', relativePath.Split('/').Select(Uri.EscapeDataString));
    }
}
