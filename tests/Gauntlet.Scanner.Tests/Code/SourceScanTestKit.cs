namespace Gauntlet.Scanner.Tests.Code;

/// <summary>Scans in-memory source through the same routing as a folder scan.</summary>
internal static class SourceScanTestKit
{
    public static ArtifactReport Scan(string text, string name = "t.py", ScanOptions? options = null) =>
        ModelScanner.ScanBytes(System.Text.Encoding.UTF8.GetBytes(text), name, options);

    public static List<string> Rules(string text, string name = "t.py") =>
        [.. Scan(text, name).Findings.Select(f => f.RuleId).Where(r => r != "code.parse-problem")];
}
