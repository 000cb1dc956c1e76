namespace Gauntlet.Scanner.Tests;

/// <summary>Benign files that used to be flagged (issue 24); each is a corpus sample from tools/scanner-corpus/extra_samples.py.</summary>
public sealed class FalsePositiveTests
{
    [Fact]
    public void EncryptedZipEntries_AreListedAsNotAnalysed_WithoutCrcMismatch()
    {
        var report = Scan("benign/zip/encrypted.zip");

        Assert.Equal(Severity.Info, report.MaxSeverity);
        Assert.DoesNotContain(report.Findings, f => f.RuleId == "zip.anomaly");
        var notAnalysed = report.Findings.Where(f => f.RuleId == "scan.not-analysed").OrderBy(f => f.Location, StringComparer.Ordinal).ToList();
        Assert.Equal(["x.zip!notes.txt", "x.zip!weights.bin"], notAnalysed.Select(f => f.Location));
        Assert.All(notAnalysed, f => Assert.StartsWith("encrypted entry; not analysed", f.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void TextZipMembers_ThatStartLikeProtocol0Pickles_AreNotPickles()
    {
        var report = Scan("benign/zip/text_like_pickle.zip");

        Assert.Equal(Severity.Info, report.MaxSeverity);
        Assert.DoesNotContain(report.Findings, f => f.RuleId.StartsWith("pickle.", StringComparison.Ordinal));
        var changes = Assert.Single(report.Findings, f => f.Location == "x.zip!CHANGES");
        Assert.Equal("scan.not-analysed", changes.RuleId);
        Assert.Contains("not a pickle", changes.Message, StringComparison.Ordinal);
        Assert.Contains("empty module in GLOBAL/INST", changes.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnnxExternalData_WithDotDotInsideTheFolder_IsNoFinding()
    {
        var report = Scan("benign/onnx/dotdot/model.onnx");

        Assert.Equal(ArtifactFormat.Onnx, report.Format);
        Assert.Empty(report.Findings);
    }

    [Theory]
    [InlineData("../weights.bin")]
    [InlineData("subdir/../../weights.bin")]
    [InlineData("a/../b/../../etc/passwd")]
    public void OnnxExternalData_ThatLeavesTheFolder_IsHigh(string location)
    {
        var model = OnnxWithExternal(location);
        var report = ModelScanner.ScanBytes(model, "model.onnx");

        var finding = Assert.Single(report.Findings, f => f.RuleId == "onnx.external-data");
        Assert.Equal(Severity.High, finding.Severity);
    }

    [SkippableFact]
    public void OnnxExternalData_ThroughALinkedFolder_IsJudgedByWhereItLeads()
    {
        Skip.IfNot(OperatingSystem.IsLinux());
        var folder = Directory.CreateTempSubdirectory("gauntlet-onnx-");
        var outside = Directory.CreateTempSubdirectory("gauntlet-outside-");
        try
        {
            Directory.CreateDirectory(Path.Combine(outside.FullName, "deep"));
            File.WriteAllBytes(Path.Combine(outside.FullName, "weights.bin"), new byte[16]);
            File.CreateSymbolicLink(Path.Combine(folder.FullName, "subdir"), Path.Combine(outside.FullName, "deep"));
            var model = Path.Combine(folder.FullName, "model.onnx");
            File.WriteAllBytes(model, OnnxWithExternal("subdir/../weights.bin"));

            var report = ModelScanner.ScanFile(model, "model.onnx");

            var finding = Assert.Single(report.Findings, f => f.RuleId == "onnx.external-data");
            Assert.Equal(Severity.High, finding.Severity);
            Assert.Contains("resolves to", finding.Message, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
            outside.Delete(recursive: true);
        }
    }

    [Fact]
    public void BinFile_StartingWithTheGlobalByte_IsNotAPickle()
    {
        var report = Scan("benign/misc/lookup.bin");

        Assert.Equal(ArtifactFormat.Unknown, report.Format);
        var finding = Assert.Single(report.Findings);
        Assert.Equal("scan.not-analysed", finding.RuleId);
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.StartsWith("not a pickle", finding.Message, StringComparison.Ordinal);
        Assert.Contains("control bytes", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BinFile_WhoseErrorComesAfterAnImport_IsStillAnalysedAsAPickle()
    {
        // CPython imports and calls os.system before it reaches the garbage: that is a pickle.
        var bytes = System.Text.Encoding.Latin1.GetBytes("cos\nsystem\n(S'id'\ntR\u00ff\u0000 not pickle any more");
        var report = ModelScanner.ScanBytes(bytes, "weights.bin");

        Assert.Equal(ArtifactFormat.Pickle, report.Format);
        Assert.Equal(Severity.Critical, report.MaxSeverity);
        Assert.Contains(report.Findings, f => f.RuleId == "pickle.dangerous-callable" && f.Message.Contains("os.system('id')", StringComparison.Ordinal));
    }

    private static ArtifactReport Scan(string corpusPath)
    {
        var path = Path.Combine(Fixtures.CorpusRoot, corpusPath);
        return ModelScanner.ScanFile(path, Path.GetExtension(path) == ".zip" ? "x.zip" : corpusPath);
    }

    // The corpus model (benign/onnx/dotdot/model.onnx) with its external-data location replaced.
    private static byte[] OnnxWithExternal(string location)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Fixtures.CorpusRoot, "benign/onnx/dotdot/model.onnx"));
        var text = System.Text.Encoding.Latin1.GetString(bytes);
        const string Original = "subdir/../weights.bin";
        Assert.True(location.Length <= 127);
        var index = text.IndexOf(Original, StringComparison.Ordinal);
        Assert.True(index > 0);

        // Lengths are one-byte varints here: the string's own, then its entry's, tensor's, graph's.
        var rebuilt = new List<byte>();
        rebuilt.AddRange(bytes.AsSpan(0, index - 1).ToArray());
        rebuilt.Add((byte)location.Length);
        rebuilt.AddRange(System.Text.Encoding.ASCII.GetBytes(location));
        rebuilt.AddRange(bytes.AsSpan(index + Original.Length).ToArray());
        var delta = location.Length - Original.Length;
        foreach (var lengthAt in EnclosingLengths(bytes, index - 1))
        {
            rebuilt[lengthAt] = (byte)(rebuilt[lengthAt] + delta);
        }

        return [.. rebuilt];
    }

    // Offsets of the one-byte length prefixes of the messages that enclose the string at stringLengthAt.
    private static IEnumerable<int> EnclosingLengths(byte[] bytes, int stringLengthAt)
    {
        var result = new List<int>();
        var position = 0;
        while (position < bytes.Length)
        {
            var tag = bytes[position];
            if ((tag & 7) == 0)
            {
                position += 2;
                continue;
            }

            var length = bytes[position + 1];
            var start = position + 2;
            if (start - 1 == stringLengthAt)
            {
                return result;
            }

            if (stringLengthAt > start && stringLengthAt < start + length)
            {
                result.Add(position + 1);
                position = start; // descend into the enclosing message
                continue;
            }

            position = start + length;
        }

        return result;
    }
}
