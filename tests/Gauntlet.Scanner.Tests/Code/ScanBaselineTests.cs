namespace Gauntlet.Scanner.Tests.Code;

public sealed class ScanBaselineTests
{
    private static ScanReport ScanFolder(string folder) => ModelScanner.Scan(folder);

    [Fact]
    public void BaselineSurvivesLineShiftsAndCatchesNewFindings()
    {
        var folder = Directory.CreateTempSubdirectory("gauntlet-baseline-");
        try
        {
            var file = Path.Combine(folder.FullName, "train.py");
            File.WriteAllText(file, "import torch, pickle\nsd = torch.load(p)\nobj = pickle.load(f)\n");
            var before = ScanFolder(folder.FullName);
            Assert.Equal(2, before.Artifacts.Single().Findings.Count);
            var baseline = ScanBaseline.Parse(ScanBaseline.FromReport(before).ToJson());
            Assert.Equal(2, baseline.Count);

            // Lines shift, one new finding appears.
            File.WriteAllText(file, "import torch, pickle\n\n\n# comment\nsd = torch.load(p)\nobj = pickle.load(f)\nother = torch.load(q)\n");
            var after = baseline.Apply(ScanFolder(folder.FullName));
            var left = Assert.Single(after.Artifacts.Single().Findings);
            Assert.Equal(("code.torch-load", 7), (left.RuleId, left.Line!.Value));
            Assert.Equal(2, after.SuppressedByBaseline);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void DuplicateLinesAreCounted()
    {
        var report = new ScanReport(".", [ModelScanner.ScanBytes("import torch\ntorch.load(p)\ntorch.load(p)\n"u8.ToArray(), "a.py")], DateTimeOffset.UnixEpoch, TimeSpan.Zero);
        var baseline = ScanBaseline.Parse(ScanBaseline.FromReport(report).ToJson());
        Assert.Contains("\"count\": 2", baseline.ToJson(), StringComparison.Ordinal);
        var three = new ScanReport(".", [ModelScanner.ScanBytes("import torch\ntorch.load(p)\ntorch.load(p)\ntorch.load(p)\n"u8.ToArray(), "a.py")], DateTimeOffset.UnixEpoch, TimeSpan.Zero);
        Assert.Single(baseline.Apply(three).Artifacts.Single().Findings);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"version\": 2, \"findings\": []}")]
    [InlineData("{\"version\": 1, \"findings\": [{\"rule\": 3}]}")]
    [InlineData("not json")]
    public void InvalidBaselineIsAFormatException(string text)
    {
        Assert.Throws<FormatException>(() => ScanBaseline.Parse(text));
    }
}
