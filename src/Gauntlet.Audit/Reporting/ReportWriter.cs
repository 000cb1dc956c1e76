using Gauntlet.Core.IO;

namespace Gauntlet.Audit.Reporting;

/// <summary>Writes every report format of an audit, or renders one by name.</summary>
public static class ReportWriter
{
    /// <summary>The format names <see cref="Render"/> accepts, in the order <see cref="WriteAll"/> writes them.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["json", "html", "md", "sarif", "junit"];

    /// <summary>
    /// Writes <c>security_audit_report.json</c>, <c>report.html</c>, <c>summary.md</c>,
    /// <c>report.sarif</c> and <c>junit.xml</c> into <paramref name="directory"/>, creating it.
    /// </summary>
    /// <remarks>
    /// Each file is written through <see cref="AtomicFile"/>: to a temporary file in the same folder,
    /// then renamed over the target, so a reader never sees a half-written report and an interrupted
    /// run leaves the previous file (or none) rather than a truncated one. Text is UTF-8 without a
    /// byte-order mark.
    /// </remarks>
    /// <param name="report">The audit report.</param>
    /// <param name="directory">The output folder.</param>
    /// <returns>The full paths written, in the order of <see cref="Formats"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="IOException">A file could not be written.</exception>
    public static IReadOnlyList<string> WriteAll(this AuditReport report, string directory)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var written = new List<string>(Formats.Count);
        foreach (var format in Formats)
        {
            var path = Path.GetFullPath(Path.Combine(directory, FileName(format)));
            AtomicFile.WriteAllText(path, Render(report, format));
            written.Add(path);
        }

        return written;
    }

    /// <summary>Renders one format into <paramref name="path"/>, atomically (a temporary file renamed into place), creating its folder.</summary>
    /// <param name="report">The audit report.</param>
    /// <param name="format">One of <see cref="Formats"/>.</param>
    /// <param name="path">The file to write.</param>
    /// <exception cref="ArgumentException"><paramref name="format"/> is not one of <see cref="Formats"/>.</exception>
    /// <exception cref="IOException">The file could not be written.</exception>
    public static void Write(AuditReport report, string format, string path)
    {
        var text = Render(report, format);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        AtomicFile.WriteAllText(full, text);
    }

    /// <summary>Renders <paramref name="report"/> in one format.</summary>
    /// <param name="report">The audit report.</param>
    /// <param name="format"><c>json</c>, <c>html</c>, <c>md</c>, <c>sarif</c> or <c>junit</c> (case-insensitive).</param>
    /// <returns>The rendered text.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="format"/> is not one of <see cref="Formats"/>; the message lists them.</exception>
    public static string Render(AuditReport report, string format)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(format);
        return format.ToLowerInvariant() switch
        {
            "json" => ReportJson.Serialize(report),
            "html" => HtmlReport.Render(report),
            "md" => MarkdownReport.Render(report),
            "sarif" => SarifReport.Render(report),
            "junit" => JUnitReport.Render(report),
            _ => throw UnknownFormat(format),
        };
    }

    /// <summary>The file name <see cref="WriteAll"/> gives a format.</summary>
    /// <param name="format">One of <see cref="Formats"/>.</param>
    /// <returns>E.g. <c>report.html</c> for <c>html</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="format"/> is not one of <see cref="Formats"/>.</exception>
    public static string FileName(string format)
    {
        ArgumentNullException.ThrowIfNull(format);
        return format.ToLowerInvariant() switch
        {
            "json" => ReportJson.FileName,
            "html" => HtmlReport.FileName,
            "md" => MarkdownReport.FileName,
            "sarif" => SarifReport.FileName,
            "junit" => JUnitReport.FileName,
            _ => throw UnknownFormat(format),
        };
    }

    private static ArgumentException UnknownFormat(string format) =>
        new($"unknown report format '{format}'; valid formats: {string.Join(", ", Formats)}", nameof(format));
}
