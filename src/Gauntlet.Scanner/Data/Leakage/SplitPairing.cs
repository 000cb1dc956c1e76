namespace Gauntlet.Scanner.Data.Leakage;

/// <summary>Finds train/test pairs among the files of a scanned folder and compares them (<see cref="ScanOptions.PairSplits"/>).</summary>
internal static class SplitPairing
{
    public static IEnumerable<ArtifactReport> CompareAll(IEnumerable<(string Path, string RelativePath)> files, ScanOptions options)
    {
        if (!options.PairSplits)
        {
            yield break;
        }

        var byRelative = files.ToDictionary(f => f.RelativePath, f => f.Path, StringComparer.Ordinal);
        foreach (var (relative, path) in byRelative.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var name = System.IO.Path.GetFileName(relative);
            var lower = name.ToLowerInvariant();
            var at = lower.IndexOf("train", StringComparison.Ordinal);
            if (at < 0 || !IsSplitFile(lower) || lower.Contains("labels-idx1", StringComparison.Ordinal))
            {
                continue;
            }

            var folder = relative[..^name.Length];
            foreach (var replacement in new[] { "test", "Test", "TEST", "t10k" })
            {
                var candidate = folder + name[..at] + replacement + name[(at + 5)..];
                if (byRelative.TryGetValue(candidate, out var testPath))
                {
                    var report = LeakageAnalyzer.Compare(path, testPath, options);
                    yield return new ArtifactReport(report.Path, $"{candidate} vs {relative}", report.Format, report.SizeBytes, null, report.Analysed, report.Error,
                        [.. report.Findings.Select(f => f with { Location = $"{candidate} vs {relative}" })]);
                    break;
                }
            }
        }
    }

    private static bool IsSplitFile(string lower)
    {
        var name = lower.EndsWith(".gz", StringComparison.Ordinal) ? lower[..^3] : lower;
        return name.EndsWith(".csv", StringComparison.Ordinal) || name.EndsWith(".tsv", StringComparison.Ordinal) || name.EndsWith(".jsonl", StringComparison.Ordinal)
            || name.EndsWith("-ubyte", StringComparison.Ordinal) || name.EndsWith(".npy", StringComparison.Ordinal);
    }
}
