using Gauntlet.Scanner.Corpus;
using Xunit.Abstractions;

namespace Gauntlet.Scanner.Tests.Code;

/// <summary>The labelled code-and-secrets corpus (tools/scanner-corpus/CodeCorpus.cs): per-rule recall and precision.</summary>
public sealed class CodeCorpusTests(ITestOutputHelper output)
{
    private static readonly HashSet<string> Meta = ["scan.not-analysed", "code.parse-problem"];

    [Fact]
    public void PerRuleRecallAndPrecisionAreAtLeast95Percent()
    {
        var folder = Directory.CreateTempSubdirectory("gauntlet-code-corpus-");
        try
        {
            var entries = CodeCorpus.Write(folder.FullName);
            var report = ModelScanner.Scan(folder.FullName, new ScanOptions { Exclude = ["manifest.json"] });
            var actual = report.Artifacts.ToDictionary(a => a.RelativePath, a => a.Findings.Select(f => f.RuleId).Where(r => !Meta.Contains(r)).ToHashSet());
            var rules = ScanRules.All.Select(r => r.Id).Where(id => (id.StartsWith("code.", StringComparison.Ordinal) || id.StartsWith("secret.", StringComparison.Ordinal)) && !Meta.Contains(id)).ToList();
            var problems = new List<string>();
            foreach (var rule in rules)
            {
                int tp = 0, fp = 0, fn = 0;
                foreach (var entry in entries)
                {
                    var expected = entry.Expected.Contains(rule);
                    var found = actual[entry.File].Contains(rule);
                    tp += expected && found ? 1 : 0;
                    fn += expected && !found ? 1 : 0;
                    fp += !expected && found ? 1 : 0;
                    if (expected != found)
                    {
                        problems.Add($"{rule}: {(expected ? "missed in" : "false positive in")} {entry.File}");
                    }
                }

                Assert.True(tp + fn >= 2, $"{rule} has {tp + fn} positive samples; the corpus needs at least 2");
                var recall = (double)tp / (tp + fn);
                var precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
                output.WriteLine($"{rule}: {tp + fn} positive files, tp {tp}, fn {fn}, fp {fp}, recall {recall:F2}, precision {precision:F2}");
                Assert.True(recall >= 0.95 && precision >= 0.95, $"{rule}: recall {recall:F2}, precision {precision:F2}; {string.Join("; ", problems.Where(p => p.StartsWith(rule + ":", StringComparison.Ordinal)))}");
            }

            output.WriteLine($"{entries.Count} files: {entries.Count(e => e.Vulnerable)} vulnerable, {entries.Count(e => !e.Vulnerable)} safe");
            Assert.Equal(entries.Count, report.Artifacts.Count);
            Assert.True(entries.Count(e => !e.Vulnerable) >= 60, "too few safe samples");
            Assert.True(report.SuppressedInline >= 2);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void RepositoryToolsAndBenchmarksHaveNoCodeOrSecretFindings()
    {
        var options = new ScanOptions
        {
            Categories = new HashSet<ScanCategory> { ScanCategory.Code, ScanCategory.Secrets },
            Exclude = ["**/bin/**", "**/obj/**", "**/node_modules/**"],
        };
        var findings = new[] { "tools", "benchmarks" }
            .Select(folder => ModelScanner.Scan(Path.Combine(RepoPaths.Root, folder), options))
            .SelectMany(r => r.Artifacts.SelectMany(a => a.Findings.Where(f => f.Severity > Severity.Info).Select(f => $"{a.RelativePath}:{f.Line} {f.RuleId} {f.Message}")))
            .ToList();
        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }
}
