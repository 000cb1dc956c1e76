using Gauntlet.Core.IO;

namespace Gauntlet.Audit.Reporting;

/// <summary>Writes every report format of an audit, or renders one by name.</summary>
public static class ReportWriter
{
    /// <summary>The format names <see cref="Render"/> accepts, in the order <see cref="WriteAll"/> writes them.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["json", "html", "md", "sarif", "junit"];

    /// <summary>
    /// Writes <c>security_audit_report.json</c>, <c>report.html</c>, <c>summary.md</c>,
    /// <c>report.sarif</c> and <c>junit.xml</c> into <paramref name="directory"/>, all or nothing.
    /// </summary>
    /// <remarks>
    /// The five files are staged and committed together through an <see cref="OutputTransaction"/>:
    /// a reader never sees a half-written report, and a failure (a full disk, a read-only folder)
    /// leaves the folder exactly as it was — the previous run's five reports, or no folder at all —
    /// never a mixed or partial set. The folder is created with the commit when missing (its missing
    /// parents, if any, beforehand). Text is UTF-8 without a byte-order mark.
    /// </remarks>
    /// <param name="report">The audit report.</param>
    /// <param name="directory">The output folder.</param>
    /// <returns>The full paths written, in the order of <see cref="Formats"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="OutputWriteException">A file could not be written; nothing was changed.</exception>
    public static IReadOnlyList<string> WriteAll(this AuditReport report, string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (Path.GetDirectoryName(Path.GetFullPath(directory)) is { } parent)
        {
            Directory.CreateDirectory(parent);
        }

        using var transaction = new OutputTransaction();
        var written = Stage(report, directory, transaction);
        transaction.Commit();
        return written;
    }

    /// <summary>
    /// Renders every format and stages the files for <paramref name="directory"/> in
    /// <paramref name="transaction"/>, so that a caller writing other outputs too commits them all at once.
    /// </summary>
    /// <param name="report">The audit report.</param>
    /// <param name="directory">The output folder (created at commit when missing; its parent must exist).</param>
    /// <param name="transaction">The transaction the files join.</param>
    /// <returns>The full paths the commit writes, in the order of <see cref="Formats"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="OutputWriteException">Staging a file failed.</exception>
    public static IReadOnlyList<string> Stage(AuditReport report, string directory, OutputTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(transaction);
        var written = new List<string>(Formats.Count);
        foreach (var format in Formats)
        {
            var path = Path.GetFullPath(Path.Combine(directory, FileName(format)));
            transaction.WriteAllText(path, Render(report, format));
            written.Add(path);
        }

        return written;
    }

    /// <summary>Renders one format into <paramref name="path"/>, atomically (<see cref="AtomicFile"/>: a temporary file renamed into place, or written through to a device).</summary>
    /// <param name="report">The audit report.</param>
    /// <param name="format">One of <see cref="Formats"/>.</param>
    /// <param name="path">The file to write; its folder must exist.</param>
    /// <exception cref="ArgumentException"><paramref name="format"/> is not one of <see cref="Formats"/>.</exception>
    /// <exception cref="IOException">The file could not be written.</exception>
    public static void Write(AuditReport report, string format, string path)
    {
        var text = Render(report, format);
        AtomicFile.WriteAllText(Path.GetFullPath(path), text);
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
