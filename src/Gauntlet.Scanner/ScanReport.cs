namespace Gauntlet.Scanner;

/// <summary>The result of scanning a file or folder.</summary>
public sealed class ScanReport
{
    /// <summary>Creates a report.</summary>
    public ScanReport(string root, IReadOnlyList<ArtifactReport> artifacts, DateTimeOffset startedAt, TimeSpan duration)
    {
        Root = root;
        Artifacts = artifacts;
        StartedAt = startedAt;
        Duration = duration;
    }

    /// <summary>The path that was scanned.</summary>
    public string Root { get; }

    /// <summary>One entry per file, in path order.</summary>
    public IReadOnlyList<ArtifactReport> Artifacts { get; }

    /// <summary>Entries of a scanned folder that the include/exclude globs left out (0 for a single file).</summary>
    public int FilesFilteredOut { get; init; }

    /// <summary>The include globs that matched no entry of the scanned folder, as given.</summary>
    public IReadOnlyList<string> UnmatchedIncludes { get; init; } = [];

    /// <summary>Files left out because their analyser belongs to no category chosen with <see cref="ScanOptions.Categories"/>.</summary>
    public int FilesNotSelected { get; init; }

    /// <summary>Findings dropped by a baseline file (<see cref="ScanBaseline.Apply"/>).</summary>
    public int SuppressedByBaseline { get; init; }

    /// <summary>Findings dropped by inline <c># gauntlet: ignore</c> comments.</summary>
    public int SuppressedInline => Artifacts.Sum(a => a.SuppressedInline);

    /// <summary>When the scan started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>How long it took.</summary>
    public TimeSpan Duration { get; }

    /// <summary>The scanner version that produced the report.</summary>
    public static string ToolVersion =>
        typeof(ScanReport).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>The worst severity across all files, or null when nothing was found.</summary>
    public Severity? MaxSeverity => Artifacts.Select(a => a.MaxSeverity).Max();

    /// <summary>Number of findings at exactly <paramref name="severity"/>.</summary>
    public int Count(Severity severity) => Artifacts.Sum(a => a.Findings.Count(f => f.Severity == severity));

    /// <summary>How many files and archive entries were not analysed (<see cref="ArtifactReport.NotAnalysed"/>), whatever their severity.</summary>
    public int NotAnalysedCount => Artifacts.Sum(a => a.NotAnalysed.Count);

    /// <summary>Whether any finding is at or above <paramref name="threshold"/>.</summary>
    public bool HasFindingsAtOrAbove(Severity threshold) => Artifacts.Any(a => a.Findings.Any(f => f.Severity >= threshold));
}
