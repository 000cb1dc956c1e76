using System.Diagnostics;
using System.Security.Cryptography;

namespace Gauntlet.Scanner;

/// <summary>
/// Entry point: scans a file or a folder of model artifacts statically. Nothing is loaded,
/// imported or executed; every file is read as bytes and analysed by format.
/// </summary>
public static class ModelScanner
{
    /// <summary>Scans <paramref name="path"/>, a file or a folder (walked recursively, filtered by the globs in <paramref name="options"/>).</summary>
    /// <exception cref="FileNotFoundException">The path does not exist.</exception>
    public static ScanReport Scan(string path, ScanOptions? options = null)
    {
        options ??= new ScanOptions();
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var artifacts = new List<ArtifactReport>();
        if (File.Exists(path))
        {
            artifacts.Add(ScanFile(path, Path.GetFileName(path), options));
        }
        else if (Directory.Exists(path))
        {
            var includes = options.Include.Select(p => new GlobPattern(p)).ToList();
            var excludes = options.Exclude.Select(p => new GlobPattern(p)).ToList();
            var enumeration = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = FileAttributes.ReparsePoint };
            var files = Directory.EnumerateFiles(path, "*", enumeration)
                .Select(f => (Full: f, Relative: Path.GetRelativePath(path, f).Replace('\\', '/')))
                .Where(f => (includes.Count == 0 || includes.Any(g => g.IsMatch(f.Relative))) && !excludes.Any(g => g.IsMatch(f.Relative)))
                .OrderBy(f => f.Relative, StringComparer.Ordinal);
            foreach (var (full, relative) in files)
            {
                artifacts.Add(ScanFile(full, relative, options));
            }
        }
        else
        {
            throw new FileNotFoundException($"'{path}' is neither a file nor a folder", path);
        }

        return new ScanReport(path, artifacts, started, clock.Elapsed);
    }

    /// <summary>Scans one file. Files that cannot be read or parsed are reported, not thrown.</summary>
    public static ArtifactReport ScanFile(string path, string relativePath, ScanOptions? options = null)
    {
        options ??= new ScanOptions();
        long size = 0;
        string? hash = null;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
            size = stream.Length;
            var context = new ScanContext(options, Path.GetDirectoryName(Path.GetFullPath(path)));
            var format = Run(stream, relativePath, context, out var error);
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
            return ArtifactDispatcher.Analyze(stream, name, name, context, depth: 0);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or IOException or System.Text.Json.JsonException or FormatException or OverflowException)
        {
            // Structure broken beyond what the analyser could report piecemeal: the file is listed as malformed.
            error = ex.Message;
            context.Add("scan.not-analysed", Severity.Medium, $"malformed: {ex.Message}", name);
            return ArtifactFormat.Unknown;
        }
    }

    private static ArtifactReport Build(string path, string relativePath, ArtifactFormat format, long size, string? hash, ScanContext context, string? error)
    {
        var findings = context.Findings.OrderByDescending(f => f.Severity).ThenBy(f => f.Location, StringComparer.Ordinal).ToList();
        var analysed = error is null && format != ArtifactFormat.Unknown;
        return new ArtifactReport(path, relativePath, format, size, hash, analysed, error ?? (format == ArtifactFormat.Unknown ? "format not recognised" : null), findings);
    }
}
