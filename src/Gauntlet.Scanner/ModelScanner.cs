using System.Diagnostics;
using System.Security.Cryptography;
using Gauntlet.Core.IO;

namespace Gauntlet.Scanner;

/// <summary>
/// Entry point: scans a file or a folder of model artifacts statically. Nothing is loaded,
/// imported or executed; every file is read as bytes and analysed by format.
/// </summary>
public static class ModelScanner
{
    /// <summary>
    /// Scans <paramref name="path"/>, a file or a folder (walked recursively, filtered by the globs in
    /// <paramref name="options"/>). Symbolic links are followed, to files and folders, with loop
    /// detection; links leaving the folder, link loops, dangling links, devices, FIFOs and sockets
    /// are reported as findings (see <see cref="FolderWalker"/> and docs/scanner.md). A device, FIFO
    /// or socket given as <paramref name="path"/> is listed with a <c>scan.not-regular-file</c>
    /// finding and never opened.
    /// </summary>
    /// <exception cref="FileNotFoundException">The path does not exist (or is a dangling link or a link loop).</exception>
    /// <exception cref="FormatException">An include or exclude glob in <paramref name="options"/> is invalid.</exception>
    public static ScanReport Scan(string path, ScanOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new ScanOptions();
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        switch (FileKinds.Of(path))
        {
            case FileKind.Regular:
                return new ScanReport(path, [ScanFile(path, Path.GetFileName(path), options)], started, clock.Elapsed);
            case FileKind.Special:
                return new ScanReport(path, [NotRegular(path, Path.GetFileName(path))], started, clock.Elapsed);
            case FileKind.Directory:
                var walk = FolderWalker.Walk(path, options);
                var artifacts = walk.Items.Select(item => item.Problem is null
                    ? WithFindings(ScanFile(item.Path, item.RelativePath, options), item.Findings)
                    : new ArtifactReport(item.Path, item.RelativePath, ArtifactFormat.Unknown, 0, null, analysed: false, item.Problem, item.Findings)).ToList();
                artifacts.AddRange(Data.Leakage.SplitPairing.CompareAll(walk.Items.Where(i => i.Problem is null).Select(i => (i.Path, i.RelativePath)), options));
                return new ScanReport(path, artifacts, started, clock.Elapsed) { FilesFilteredOut = walk.FilteredOut, UnmatchedIncludes = walk.UnmatchedIncludes };
            default:
                var link = new FileInfo(path).LinkTarget;
                throw new FileNotFoundException(
                    link is null ? $"'{path}' is neither a file nor a folder" : $"'{path}' is a symbolic link to '{link}', which does not exist or is a link loop",
                    path);
        }
    }

    /// <summary>
    /// Scans one file. Files that cannot be read or parsed are reported, not thrown. A device, FIFO
    /// or socket is never opened (<c>scan.not-regular-file</c>); a file over
    /// <see cref="ScanOptions.MaxFileBytes"/> is listed as not analysed without being read.
    /// </summary>
    public static ArtifactReport ScanFile(string path, string relativePath, ScanOptions? options = null)
    {
        options ??= new ScanOptions();
        long size = 0;
        string? hash = null;
        if (FileKinds.Of(path) == FileKind.Special)
        {
            // Opening a FIFO blocks until a writer comes; reading /dev/zero never ends.
            return NotRegular(path, relativePath);
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
            size = stream.Length;
            if (size > options.MaxFileBytes)
            {
                var message = $"{size:N0} bytes, over the {options.MaxFileBytes:N0}-byte file limit (--max-file-gb, ScanOptions.MaxFileBytes); not read";
                return new ArtifactReport(path, relativePath, ArtifactFormat.Unknown, size, null, analysed: false, message,
                    [new Finding("scan.not-analysed", Severity.Medium, message, relativePath)]);
            }

            var context = new ScanContext(options, Path.GetDirectoryName(Path.GetFullPath(path)));
            var format = Run(stream, relativePath, context, out var error);
            Data.PrivacyChecker.Check(context, relativePath, DateTime.UtcNow - File.GetLastWriteTimeUtc(path));
            if (options.ComputeHashes)
            {
                stream.Position = 0;
                hash = Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
            }

            return Build(path, relativePath, format, size, hash, context, error);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ArtifactReport(path, relativePath, ArtifactFormat.Unknown, size, hash, analysed: false, $"could not read: {ex.Message}",
                [new Finding("scan.not-analysed", Severity.Medium, $"could not read the file: {ex.Message}", relativePath)]);
        }
    }

    /// <summary>Scans an in-memory artifact (used by tests and by callers that already hold the bytes).</summary>
    public static ArtifactReport ScanBytes(byte[] content, string name, ScanOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        options ??= new ScanOptions();
        using var stream = new MemoryStream(content, writable: false);
        var context = new ScanContext(options, folder: null);
        var format = Run(stream, name, context, out var error);
        Data.PrivacyChecker.Check(context, name, age: null);
        var hash = options.ComputeHashes ? Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant() : null;
        return Build(name, name, format, content.Length, hash, context, error);
    }

    private static ArtifactFormat Run(Stream stream, string name, ScanContext context, out string? error)
    {
        error = null;
        if (stream.Length == 0)
        {
            context.Add("scan.not-analysed", Severity.Info, "empty file", name);
            return ArtifactFormat.Unknown;
        }

        try
        {
            // Data files (issue 21): tabular and JSON files go to the PII pass; NPZ/NPY get the
            // model analysis and then a PII pass over their array names and string arrays.
            if (Data.DataFileAnalyzer.AnalyzeTabular(stream, name, name, context) is { } dataFormat)
            {
                return dataFormat;
            }

            var format = ArtifactDispatcher.Analyze(stream, name, name, context, depth: 0);
            Data.DataFileAnalyzer.AnalyzeArrays(stream, name, name, context);
            return format;
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or IOException or System.Text.Json.JsonException or FormatException or OverflowException)
        {
            // Structure broken beyond what the analyser could report piecemeal: the file is listed as malformed.
            error = ex.Message;
            context.Add("scan.not-analysed", Severity.Medium, $"malformed: {ex.Message}", name);
            return ArtifactFormat.Unknown;
        }
    }

    private static ArtifactReport NotRegular(string path, string relativePath)
    {
        const string message = "not a regular file (a device, FIFO or socket); never opened, not analysed";
        return new ArtifactReport(path, relativePath, ArtifactFormat.Unknown, 0, null, analysed: false, message,
            [new Finding("scan.not-regular-file", Severity.Medium, message, relativePath)]);
    }

    /// <summary>Adds the walk's findings about how a file was reached (a link leaving the folder) to what its content showed.</summary>
    private static ArtifactReport WithFindings(ArtifactReport report, IReadOnlyList<Finding> extra)
    {
        if (extra.Count == 0)
        {
            return report;
        }

        var findings = report.Findings.Concat(extra).OrderByDescending(f => f.Severity).ThenBy(f => f.Location, StringComparer.Ordinal).ToList();
        return new ArtifactReport(report.Path, report.RelativePath, report.Format, report.SizeBytes, report.Sha256, report.Analysed, report.Error, findings);
    }

    private static ArtifactReport Build(string path, string relativePath, ArtifactFormat format, long size, string? hash, ScanContext context, string? error)
    {
        var findings = context.Findings.OrderByDescending(f => f.Severity).ThenBy(f => f.Location, StringComparer.Ordinal).ToList();
        var analysed = error is null && format != ArtifactFormat.Unknown;
        return new ArtifactReport(path, relativePath, format, size, hash, analysed, error ?? (format == ArtifactFormat.Unknown ? "format not recognised" : null), findings) { Inventory = context.Inventory };
    }
}
