namespace Gauntlet.Scanner;

/// <summary>What the scanner learned about one top-level file.</summary>
public sealed class ArtifactReport
{
    /// <summary>Creates a report.</summary>
    public ArtifactReport(string path, string relativePath, ArtifactFormat format, long sizeBytes, string? sha256, bool analysed, string? error, IReadOnlyList<Finding> findings)
    {
        Path = path;
        RelativePath = relativePath;
        Format = format;
        SizeBytes = sizeBytes;
        Sha256 = sha256;
        Analysed = analysed;
        Error = error;
        Findings = findings;
    }

    /// <summary>Full path of the file.</summary>
    public string Path { get; }

    /// <summary>Path relative to the scanned root, with forward slashes.</summary>
    public string RelativePath { get; }

    /// <summary>The recognised format.</summary>
    public ArtifactFormat Format { get; }

    /// <summary>File size in bytes.</summary>
    public long SizeBytes { get; }

    /// <summary>Lower-case hex SHA-256 of the file, or null when hashing was switched off or the file was unreadable.</summary>
    public string? Sha256 { get; }

    /// <summary>False when the file is in an unrecognised format or could not be read; such files are still listed.</summary>
    public bool Analysed { get; }

    /// <summary>Why the file could not be analysed, when it could not.</summary>
    public string? Error { get; }

    /// <summary>Findings dropped by inline <c># gauntlet: ignore</c> comments (code, notebooks, text).</summary>
    public int SuppressedInline { get; init; }

    /// <summary>True when the file's analyser belongs to no selected <see cref="ScanCategory"/>; a folder scan leaves such files out.</summary>
    public bool NotSelected { get; init; }
    /// <summary>The personal data a data file holds (per-column verdicts), when it was read by the PII pass; null otherwise.</summary>
    public Data.DataInventory? Inventory { get; init; }

    /// <summary>Everything found, worst first.</summary>
    public IReadOnlyList<Finding> Findings { get; }

    /// <summary>
    /// The rules that mean "this file, or an entry inside it, was not analysed": an unknown format,
    /// an encrypted entry, a limit reached, an unreadable file, a device or FIFO.
    /// </summary>
    public static IReadOnlySet<string> NotAnalysedRules { get; } = new HashSet<string>(StringComparer.Ordinal) { "scan.not-analysed", "scan.not-regular-file" };

    /// <summary>One finding per part of the file (the file itself, or an entry) that was not analysed.</summary>
    public IReadOnlyList<Finding> NotAnalysed => [.. Findings.Where(f => NotAnalysedRules.Contains(f.RuleId))];

    /// <summary>The worst severity found, or null for a file with no findings.</summary>
    public Severity? MaxSeverity => Findings.Count == 0 ? null : Findings.Max(f => f.Severity);
}
