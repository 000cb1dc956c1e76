using System.Text.Json;
using Gauntlet.Scanner.Data;
using Gauntlet.Scanner.Data.Leakage;

namespace Gauntlet.Scanner.Tests.Data;

/// <summary>The labelled data corpus (tools/data-corpus/make_data_corpus.py): per-detector recall and precision, checksums, planted leakage.</summary>
public sealed class DataCorpusTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static string Root => Path.Combine(AppContext.BaseDirectory, "Fixtures", "data-corpus");

    private static JsonElement Manifest { get; } = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Root, "manifest.json"))).RootElement;

    private sealed record Cell(int Line, string Column, string Value, string? Expected, string Detector);

    private static List<Cell> Cells() => [.. Manifest.GetProperty("cells").EnumerateArray().Select(c => new Cell(
        c.GetProperty("line").GetInt32(), c.GetProperty("column").GetString()!, c.GetProperty("value").GetString()!,
        c.GetProperty("expected").ValueKind == JsonValueKind.Null ? null : c.GetProperty("expected").GetString(), c.GetProperty("detector").GetString()!))];

    [Fact]
    public void EveryDetectorHasRecallAndPrecisionOfAtLeast95Percent()
    {
        var cells = Cells();
        Assert.True(cells.Count >= 1000, $"corpus has {cells.Count} cells");
        foreach (var category in Enum.GetValues<PiiCategory>())
        {
            var name = category.Name();
            int tp = 0, fp = 0, fn = 0;
            foreach (var cell in cells)
            {
                var got = PiiDetectors.Classify(cell.Value, ColumnHints.Of(cell.Column))?.Category;
                var expected = cell.Expected == name;
                if (got == category && expected)
                {
                    tp++;
                }
                else if (got == category)
                {
                    fp++;
                }
                else if (expected)
                {
                    fn++;
                }
            }

            Assert.True(tp + fn >= 100, $"{name}: only {tp + fn} positives in the corpus");
            var recall = (double)tp / (tp + fn);
            var precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
            output.WriteLine($"{name}: recall {recall:F3}, precision {precision:F3} (tp {tp}, fp {fp}, fn {fn})");
            Assert.True(recall >= 0.95, $"{name}: recall {recall:F3} (tp {tp}, fn {fn})");
            Assert.True(precision >= 0.95, $"{name}: precision {precision:F3} (tp {tp}, fp {fp})");
        }
    }

    [Fact]
    public void NumbersThatFailTheirChecksumAreNeverReportedAsSuch()
    {
        var invalid = Cells().Where(c => c.Expected is null && c.Detector is "ssn" or "iban" or "payment-card" or "nhs-number").ToList();
        Assert.True(invalid.Count >= 100, $"only {invalid.Count} invalid checksum cells");
        foreach (var cell in invalid)
        {
            var got = PiiDetectors.Classify(cell.Value, ColumnHints.Of(cell.Column));
            Assert.True(got is null, $"'{cell.Value}' in column {cell.Column} fails its check but was reported as {got?.Category}");
        }
    }

    [Fact]
    public void CsvAndJsonLinesFilesGetOneVerdictPerColumnWithTheCorpusCounts()
    {
        var cells = Cells();
        foreach (var file in new[] { "pii/people.csv", "pii/people.jsonl" })
        {
            var report = ModelScanner.ScanFile(Path.Combine(Root, file), file);
            foreach (var group in cells.Where(c => c.Expected is not null).GroupBy(c => c.Column))
            {
                var category = PiiCategories.Parse(group.First().Expected!)!.Value;
                var finding = Assert.Single(report.Findings, f => f.Field == group.Key && f.RuleId == category.RuleId());
                Assert.Contains($"{group.Count()} of 200 rows", finding.Message, StringComparison.Ordinal);
                Assert.Equal(category.Severity(), finding.Severity);
                if (file.EndsWith(".csv", StringComparison.Ordinal))
                {
                    Assert.Equal(group.Min(c => c.Line), finding.Line);
                }
            }

            Assert.DoesNotContain(report.Findings, f => f.Field is "id" or "amount" or "note");
        }
    }

    [Fact]
    public void CleanDataHasNoPersonalDataFindings()
    {
        foreach (var file in Manifest.GetProperty("clean_files").EnumerateArray().Select(e => e.GetString()!))
        {
            var report = ModelScanner.ScanFile(Path.Combine(Root, file), file);
            Assert.Equal(ArtifactFormat.Csv, report.Format);
            Assert.DoesNotContain(report.Findings, f => f.RuleId.StartsWith("pii.", StringComparison.Ordinal));
            Assert.Equal(300, report.Inventory!.Rows);
        }
    }

    [Fact]
    public void NpzStringArraysAreReadForPersonalData()
    {
        var report = ModelScanner.ScanFile(Path.Combine(Root, "pii/arrays.npz"), "arrays.npz");
        var finding = Assert.Single(report.Findings, f => f.RuleId == "pii.email");
        Assert.Equal("emails", finding.Field);
        Assert.Contains("3 of 3 rows", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PlantedLeakageIsFoundWithTheOffendingIndices()
    {
        foreach (var split in Manifest.GetProperty("splits").EnumerateArray())
        {
            var train = SplitData.Load(Path.Combine(Root, split.GetProperty("train").GetString()!), 1 << 30);
            var test = SplitData.Load(Path.Combine(Root, split.GetProperty("test").GetString()!), 1 << 30);
            var result = LeakageAnalyzer.Analyze(train, test);
            var exact = split.GetProperty("exact").EnumerateArray().Select(e => e.GetInt32()).ToList();
            var near = split.GetProperty("near").EnumerateArray().Select(e => e.GetInt32()).ToList();
            Assert.Equal(exact, result.ExactDuplicates.Select(p => p.TestIndex).Order().ToList());
            Assert.Equal(near, result.NearDuplicates.Select(p => p.TestIndex).Order().ToList());
            Assert.All(result.ExactDuplicates, p => Assert.Equal(train.Rows[p.TrainIndex], test.Rows[p.TestIndex]));
            Assert.Equal(
                split.GetProperty("label_leak").EnumerateArray().Select(e => e.GetString()!).ToList(),
                result.LabelLeaks.Select(l => l.Column).ToList());
            Assert.Equal(
                split.GetProperty("shifted").EnumerateArray().Select(e => e.GetString()!).Order().ToList(),
                result.Shifts.Where(s => s.Flagged).Select(s => s.Column).Order().ToList());
        }
    }

    [Fact]
    public void CompareReportsLeakageAsFindingsWithRowLines()
    {
        var report = LeakageAnalyzer.Compare(Path.Combine(Root, "splits/leaking_train.csv"), Path.Combine(Root, "splits/leaking_test.csv"));
        Assert.True(report.Analysed);
        var exact = Assert.Single(report.Findings, f => f.RuleId == "leakage.exact-duplicate");
        Assert.Equal(Severity.High, exact.Severity);
        Assert.StartsWith("20 of 200 test rows", exact.Message, StringComparison.Ordinal);
        Assert.Equal(2, exact.Line); // test row 0, after the header
        Assert.Contains(report.Findings, f => f.RuleId == "leakage.label" && f.Field == "sentiment_code");
        Assert.Contains(report.Findings, f => f.RuleId == "leakage.near-duplicate" && f.Message.StartsWith("15 of 200", StringComparison.Ordinal));
    }
}
