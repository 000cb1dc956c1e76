using System.Diagnostics;
using static Gauntlet.Scanner.Tests.Code.SourceScanTestKit;

namespace Gauntlet.Scanner.Tests.Code;

public sealed class BadInputTests
{
    [Fact]
    public void BinaryFileNamedPyIsNotAnalysedWithAReason()
    {
        var bytes = new byte[4096];
        new Random(5).NextBytes(bytes);
        bytes[10] = 0;
        var report = ModelScanner.ScanBytes(bytes, "evil.py");
        Assert.False(report.Analysed);
        var finding = Assert.Single(report.Findings);
        Assert.Equal(("scan.not-analysed", Severity.Medium), (finding.RuleId, finding.Severity));
        Assert.Contains("NUL byte", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PickleNamedPyIsAnalysedAsAPickle()
    {
        // PROTO 2, GLOBAL 'os system', STOP: a model format wins over the name.
        byte[] pickle = [0x80, 0x02, .. "cos\nsystem\n"u8, (byte)'.'];
        var report = ModelScanner.ScanBytes(pickle, "helper.py");
        Assert.Equal(ArtifactFormat.Pickle, report.Format);
        Assert.Contains(report.Findings, f => f.RuleId == "pickle.dangerous-callable");
    }

    [Fact]
    public void TenMegabyteSingleLinePythonFileIsSkippedForCodeWithAReasonAndScannedForSecrets()
    {
        var fake = new Corpus.CodeCorpus.FakeSecrets(4);
        var builder = new System.Text.StringBuilder("x = [");
        while (builder.Length < 10_000_000)
        {
            builder.Append("12345, ");
        }

        builder.Append("0]; import torch; torch.load(p); t = '" + fake.GitHub() + "'\nimport pickle\n");
        var clock = Stopwatch.StartNew();
        var report = Scan(builder.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.Equal(["scan.not-analysed", "secret.github-token"], report.Findings.Select(f => f.RuleId).Order());
        var skipped = report.Findings.Single(f => f.RuleId == "scan.not-analysed");
        Assert.Equal((Severity.Low, 1), (skipped.Severity, skipped.Line!.Value));
        Assert.Contains("line limit", skipped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LongButBoundedLineIsTokenized()
    {
        var builder = new System.Text.StringBuilder("x = [");
        while (builder.Length < 200_000)
        {
            builder.Append("12345, ");
        }

        builder.Append("0]; import torch; torch.load(p)\n");
        var finding = Assert.Single(Scan(builder.ToString()).Findings);
        Assert.Equal(("code.torch-load", 1), (finding.RuleId, finding.Line!.Value));
    }

    [Fact]
    public void TenMegabyteSingleLineTextFileIsScannedForSecrets()
    {
        var line = new string('a', 10_000_000) + " key";
        var clock = Stopwatch.StartNew();
        var report = Scan(line, "blob.txt");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.True(report.Analysed);
        Assert.Empty(report.Findings);
    }

    [Fact]
    public void InvalidUtf8IsDecodedWithReplacementAndReported()
    {
        byte[] source = [.. "import torch\nx = '"u8, 0xff, 0xfe, .. "'\ntorch.load(p)\n"u8];
        var report = ModelScanner.ScanBytes(source, "latin.py");
        Assert.True(report.Analysed);
        Assert.Contains(report.Findings, f => f.RuleId == "code.parse-problem" && f.Message.Contains("invalid UTF-8 at byte 18", StringComparison.Ordinal));
        Assert.Contains(report.Findings, f => f.RuleId == "code.torch-load" && f.Line == 3);
    }

    [Fact]
    public void Latin1CodingCookieIsHonoured()
    {
        byte[] source = [.. "# -*- coding: latin-1 -*-\nname = 'caf"u8, 0xe9, .. "'\nexec(open(name).read())\n"u8];
        var report = ModelScanner.ScanBytes(source, "old.py");
        Assert.Equal(["code.eval-exec"], report.Findings.Select(f => f.RuleId));
    }

    [Fact]
    public void TokenizerErrorsAreInfoAndScanningGoesOn()
    {
        var report = Scan("s = 'unterminated\nexec(s)\n");
        Assert.Contains(report.Findings, f => f.RuleId == "code.parse-problem" && f.Severity == Severity.Info);
        Assert.Contains(report.Findings, f => f.RuleId == "code.eval-exec");
    }

    [Fact]
    public void EmptyPythonFileIsClean()
    {
        var report = ModelScanner.ScanBytes([], "__init__.py");
        Assert.True(report.Analysed);
        Assert.Empty(report.Findings);
    }

    [Fact]
    public void OversizedSourceIsNotReadWithAReason()
    {
        var report = ModelScanner.ScanBytes(new byte[2048], "big.py", new ScanOptions { MaxSourceBytes = 1024 });
        Assert.False(report.Analysed);
        Assert.Contains("limit for source and text files", report.Error, StringComparison.Ordinal);
    }
}
