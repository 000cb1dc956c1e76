using Gauntlet.Scanner.Corpus;
using static Gauntlet.Scanner.Tests.Code.SourceScanTestKit;

namespace Gauntlet.Scanner.Tests.Code;

public sealed class NotebookTests
{
    [Fact]
    public void CodeCellsShareImportsAndFindingsNameTheCellAndLine()
    {
        var notebook = CodeCorpus.Notebook([("code", "import pickle as pk", null), ("markdown", "text", null), ("code", "x = 1\nobj = pk.loads(b)", null)]);
        var report = Scan(notebook, "analysis.ipynb");
        var finding = Assert.Single(report.Findings);
        Assert.Equal(("code.pickle-load", "analysis.ipynb!cell[2]", 2), (finding.RuleId, finding.Location, finding.Line!.Value));
        Assert.Equal(ArtifactFormat.Notebook, report.Format);
    }

    [Fact]
    public void MagicsAreSkippedAndOutputsScannedForSecrets()
    {
        var fake = new CodeCorpus.FakeSecrets(11);
        var notebook = CodeCorpus.Notebook([("code", "%pip install torch\n!wget http://x\nprint(key)", "sk key: " + fake.Stripe())]);
        var finding = Assert.Single(Scan(notebook, "n.ipynb").Findings);
        Assert.Equal(("secret.stripe-key", "n.ipynb!cell[0]!output[0]"), (finding.RuleId, finding.Location));
    }

    [Fact]
    public void BrokenJsonIsReportedAndStillScannedForSecrets()
    {
        var fake = new CodeCorpus.FakeSecrets(12);
        var report = Scan("{\"cells\": [ {\"source\": \"x = '" + fake.GitHub() + "'\" ", "broken.ipynb");
        Assert.False(report.Analysed);
        Assert.Contains("not valid JSON", report.Error, StringComparison.Ordinal);
        Assert.Contains(report.Findings, f => f.RuleId == "scan.not-analysed" && f.Severity == Severity.Medium);
        Assert.Contains(report.Findings, f => f.RuleId == "secret.github-token");
    }

    [Fact]
    public void JsonThatIsNotANotebookIsSaidSo()
    {
        var report = Scan("[1, 2, 3]", "odd.ipynb");
        Assert.False(report.Analysed);
        Assert.Contains("not a notebook", report.Error, StringComparison.Ordinal);
    }
}
