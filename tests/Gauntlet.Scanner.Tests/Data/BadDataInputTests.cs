using System.Text;
using Gauntlet.Scanner.Data;
using Gauntlet.Scanner.Data.Leakage;

namespace Gauntlet.Scanner.Tests.Data;

/// <summary>Broken data files: never an exception, always a finding or a stated skip reason.</summary>
public sealed class BadDataInputTests
{
    private static string Bad(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "data-corpus", "bad", name);

    [Fact]
    public void InvalidUtf8IsReportedAndTheValidRowsAreStillRead()
    {
        var report = ModelScanner.ScanFile(Bad("invalid_utf8.csv"), "invalid_utf8.csv");
        var invalid = Assert.Single(report.Findings, f => f.RuleId == "data.invalid-utf8");
        Assert.StartsWith("4 invalid UTF-8", invalid.Message, StringComparison.Ordinal); // \xe9, \xff, \xfe, \xc3@
        Assert.Equal(13, invalid.Offset); // the lone \xe9 in "Zo\xe9", after the 11-byte header line and "Zo"
        Assert.Contains(report.Findings, f => f.RuleId == "pii.email" && f.Message.Contains("2 of 3 rows", StringComparison.Ordinal));
    }

    [Fact]
    public void BrokenJsonKeepsTheValuesBeforeTheBreak()
    {
        var report = ModelScanner.ScanFile(Bad("broken.json"), "broken.json");
        var broken = Assert.Single(report.Findings, f => f.RuleId == "data.malformed");
        Assert.StartsWith("broken JSON", broken.Message, StringComparison.Ordinal);
        Assert.Equal(2, broken.Line);
        Assert.Contains(report.Findings, f => f.RuleId == "pii.email" && f.Field == "email" && f.Message.Contains("2 of 2 rows", StringComparison.Ordinal));
    }

    [Fact]
    public void BrokenJsonLinesAreCountedAndTheOthersRead()
    {
        var report = ModelScanner.ScanFile(Bad("broken_lines.jsonl"), "broken_lines.jsonl");
        var broken = Assert.Single(report.Findings, f => f.RuleId == "data.malformed");
        Assert.Equal(2, broken.Line);
        Assert.Contains("1 line(s)", broken.Message, StringComparison.Ordinal);
        Assert.Contains(report.Findings, f => f.RuleId == "pii.email" && f.Message.Contains("2 of 3 rows", StringComparison.Ordinal));
    }

    [Fact]
    public void TruncatedNpzIsAFindingNotACrash()
    {
        var report = ModelScanner.ScanFile(Bad("truncated.npz"), "truncated.npz");
        Assert.Contains(report.Findings, f => f.RuleId is "data.malformed" or "scan.not-analysed" or "zip.anomaly");
        Assert.DoesNotContain(report.Findings, f => f.RuleId.StartsWith("pii.", StringComparison.Ordinal));
    }

    [Fact]
    public void TenMegabyteSingleLineFileIsReadWithoutCrashing()
    {
        var text = new StringBuilder("payload,email\n");
        text.Append('"').Append('x', 10 << 20).Append("\",ada@example.com\n");
        var report = ModelScanner.ScanBytes(Encoding.UTF8.GetBytes(text.ToString()), "one-line.csv");
        Assert.Equal(ArtifactFormat.Csv, report.Format);
        Assert.Contains(report.Findings, f => f.RuleId == "pii.email" && f.Line == 2);
        var noHeader = ModelScanner.ScanBytes(Encoding.UTF8.GetBytes(new string('a', 10 << 20)), "one-line.jsonl");
        Assert.Single(noHeader.Findings, f => f.RuleId == "data.malformed");
    }

    [Fact]
    public void UnreadableSplitsAreANotAnalysedFinding()
    {
        var report = LeakageAnalyzer.Compare(Bad("broken_lines.jsonl"), Bad("broken_lines.jsonl"));
        Assert.False(report.Analysed);
        var finding = Assert.Single(report.Findings);
        Assert.Equal("leakage.not-analysed", finding.RuleId);
        Assert.Contains("line 2", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SamplingReadsTheHeadAndSeededBlocksAndSaysSo()
    {
        var text = new StringBuilder("id,email\n");
        for (var i = 0; i < 400_000; i++)
        {
            text.Append(i).Append(",user").Append(i).Append("@example.com\n");
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        var sampled = ModelScanner.ScanBytes(bytes, "big.csv", new ScanOptions { SampleBytes = 4 << 20 });
        var note = Assert.Single(sampled.Findings, f => f.RuleId == "data.sampled");
        Assert.Contains("seed 0", note.Message, StringComparison.Ordinal);
        Assert.InRange(sampled.Inventory!.Rows, 100_000, 200_000); // about 4 MiB of ~11 MiB
        var full = ModelScanner.ScanBytes(bytes, "big.csv", new ScanOptions { SampleBytes = 4 << 20, Sampling = false });
        Assert.Equal(400_000, full.Inventory!.Rows);
        Assert.DoesNotContain(full.Findings, f => f.RuleId == "data.sampled");
    }
}
