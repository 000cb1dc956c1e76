using System.Diagnostics;
using System.Security.Cryptography;
using Gauntlet.Core.IO;
using Gauntlet.Scanner.Code;

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
                var results = new ArtifactReport?[walk.Items.Count];
                ArtifactReport One(int i)
                {
                    var item = walk.Items[i];
                    return item.Problem is null
                        ? WithFindings(ScanFile(item.Path, item.RelativePath, options), item.Findings)
                        : new ArtifactReport(item.Path, item.RelativePath, ArtifactFormat.Unknown, 0, null, analysed: false, item.Problem, item.Findings);
                }

                // Source, notebook and text files are small and independent: scanned in parallel. Model
                // files stay sequential so that at most one large archive is expanded in memory at a time.
                var sources = Enumerable.Range(0, results.Length).Where(i => walk.Items[i].Problem is null && SourceRoutes.Of(walk.Items[i].RelativePath) != SourceRoute.None).ToList();
                Parallel.ForEach(sources, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i => results[i] = One(i));
                var scanned = results.Select((r, i) => r ?? One(i)).ToList();

                var artifacts = scanned.Where(a => !a.NotSelected).ToList();
                if (options.Categories.Contains(ScanCategory.Leakage))
                {
                    artifacts.AddRange(Data.Leakage.SplitPairing.CompareAll(walk.Items.Where(i => i.Problem is null).Select(i => (i.Path, i.RelativePath)), options));
                }

                return new ScanReport(path, artifacts, started, clock.Elapsed)
                {
                    FilesFilteredOut = walk.FilteredOut,
                    UnmatchedIncludes = walk.UnmatchedIncludes,
                    FilesNotSelected = scanned.Count - artifacts.Count,
                };
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

            var folder = Path.GetDirectoryName(Path.GetFullPath(path));
            var age = DateTime.UtcNow - File.GetLastWriteTimeUtc(path);
            var route = SourceRoutes.Of(relativePath);
            if (route != SourceRoute.None && IsSource(stream, relativePath))
            {
                return ScanSource(stream, path, relativePath, route, options, folder, age);
            }

            if (!ModelPassSelected(relativePath, options))
            {
                return NotSelectedReport(path, relativePath, size);
            }

            var context = new ScanContext(options, folder);
            var format = Run(stream, relativePath, context, out var error);
            Data.PrivacyChecker.Check(context, relativePath, age);
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

    /// <summary>Scans an in-memory artifact (used by tests and by callers that already hold the bytes); Python, notebook and text names are routed as in a folder scan.</summary>
    public static ArtifactReport ScanBytes(byte[] content, string name, ScanOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        options ??= new ScanOptions();
        using var stream = new MemoryStream(content, writable: false);
        var route = SourceRoutes.Of(name);
        if (route != SourceRoute.None && IsSource(stream, name))
        {
            return ScanSource(stream, name, name, route, options, folder: null, age: null);
        }

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
            // Data files (issue 21): Parquet and IDX go to the PII pass here (CSV, TSV and JSON text
            // reach it through ScanSource, beside the secret rules); NPZ/NPY get the model analysis
            // and then a PII pass over their array names and string arrays. A .json whose bytes are a
            // model format (a Keras config) is a model, not data.
            if (Data.DataFileAnalyzer.KindOf(name) is Data.DataKind.Parquet or Data.DataKind.Idx
                && Data.DataFileAnalyzer.AnalyzeTabular(stream, name, name, context) is { } dataFormat)
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

    /// <summary>Whether a file with a source name holds source (no model format recognised in its bytes): a pickle named .py is still a pickle.</summary>
    private static bool IsSource(Stream stream, string name)
    {
        if (stream.Length == 0)
        {
            return true;
        }

        var head = new byte[(int)Math.Min(FormatDetector.HeadLength, stream.Length)];
        stream.Position = 0;
        stream.ReadExactly(head);
        var format = FormatDetector.Detect(head, name, stream.Length);
        if (format == ArtifactFormat.Pickle && head[0] != 0x80
            && Data.DataFileAnalyzer.KindOf(name) is Data.DataKind.Csv or Data.DataKind.Tsv or Data.DataKind.Json or Data.DataKind.JsonLines)
        {
            // A CSV whose header starts with a protocol-0 opcode ("c", "i", "(") reads as a text pickle;
            // a real protocol 0/1 pickle ends with its STOP opcode '.', a data file (almost) never does.
            stream.Position = stream.Length - 1;
            var last = stream.ReadByte();
            stream.Position = 0;
            return last != '.';
        }

        stream.Position = 0;
        return format == ArtifactFormat.Unknown;
    }

    /// <summary>Whether the model analysers run on a file that is not source: models selected, or a binary data file (Parquet, IDX, NPZ, NPY) with PII selected.</summary>
    private static bool ModelPassSelected(string name, ScanOptions options) =>
        options.Categories.Contains(ScanCategory.Models)
        || (options.Categories.Contains(ScanCategory.Pii) && Data.DataFileAnalyzer.KindOf(name) is not Data.DataKind.None);

    /// <summary>
    /// Scans a Python source, notebook or config/text file with the code and secret rules; a CSV,
    /// TSV or JSON data file also gets the PII pass (streamed and sampled, so it is not bounded by
    /// <see cref="ScanOptions.MaxSourceBytes"/>) and the privacy-policy checks.
    /// </summary>
    private static ArtifactReport ScanSource(Stream stream, string path, string relativePath, SourceRoute route, ScanOptions options, string? folder, TimeSpan? age)
    {
        var size = stream.Length;
        var format = route switch { SourceRoute.Python => ArtifactFormat.PythonSource, SourceRoute.Notebook => ArtifactFormat.Notebook, _ => ArtifactFormat.Text };
        var secrets = SourceRoutes.Selected(route, options.Categories);
        var pii = options.Categories.Contains(ScanCategory.Pii)
            && Data.DataFileAnalyzer.KindOf(relativePath) is Data.DataKind.Csv or Data.DataKind.Tsv or Data.DataKind.Json or Data.DataKind.JsonLines;
        if (!secrets && !pii)
        {
            return NotSelectedReport(path, relativePath, size);
        }

        var findings = new List<Finding>();
        var suppressed = 0;
        string? skipped = null;
        Data.DataInventory? inventory = null;
        if (pii)
        {
            var context = new ScanContext(options, folder);
            stream.Position = 0;
            format = Data.DataFileAnalyzer.AnalyzeTabular(stream, relativePath, relativePath, context) ?? format;
            Data.PrivacyChecker.Check(context, relativePath, age);
            findings.AddRange(context.Findings);
            inventory = context.Inventory;
        }

        string? hash = null;
        if (secrets && size > options.MaxSourceBytes)
        {
            var message = $"{size:N0} bytes, over the {options.MaxSourceBytes:N0}-byte limit for source and text files (ScanOptions.MaxSourceBytes); not read for code or secrets";
            findings.Add(new Finding("scan.not-analysed", Severity.Low, message, relativePath));
            skipped = pii ? null : message;
        }
        else if (secrets)
        {
            var bytes = new byte[size];
            stream.Position = 0;
            stream.ReadExactly(bytes);
            var result = SourceScanner.Scan(bytes, route, relativePath, options);
            findings.AddRange(result.Findings);
            suppressed = result.Suppressed;
            skipped = result.Skipped;
            hash = options.ComputeHashes ? Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant() : null;
        }

        if (hash is null && options.ComputeHashes)
        {
            stream.Position = 0;
            hash = Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
        }

        var ordered = findings.OrderByDescending(f => f.Severity).ThenBy(f => f.Location, StringComparer.Ordinal).ThenBy(f => f.Line).ThenBy(f => f.Column).ToList();
        return new ArtifactReport(path, relativePath, format, size, hash, skipped is null, skipped, ordered) { SuppressedInline = suppressed, Inventory = inventory };
    }

    private static ArtifactReport NotSelectedReport(string path, string relativePath, long size) =>
        new(path, relativePath, ArtifactFormat.Unknown, size, null, analysed: false, "not selected by the scan categories (--only)", []) { NotSelected = true };

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
        return new ArtifactReport(report.Path, report.RelativePath, report.Format, report.SizeBytes, report.Sha256, report.Analysed, report.Error, findings) { SuppressedInline = report.SuppressedInline, NotSelected = report.NotSelected, Inventory = report.Inventory };
    }

    private static ArtifactReport Build(string path, string relativePath, ArtifactFormat format, long size, string? hash, ScanContext context, string? error)
    {
        var findings = context.Findings.OrderByDescending(f => f.Severity).ThenBy(f => f.Location, StringComparer.Ordinal).ToList();
        var analysed = error is null && format != ArtifactFormat.Unknown;
        return new ArtifactReport(path, relativePath, format, size, hash, analysed, error ?? (format == ArtifactFormat.Unknown ? "format not recognised" : null), findings) { Inventory = context.Inventory };
    }
}
