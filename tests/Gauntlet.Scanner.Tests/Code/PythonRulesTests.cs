using static Gauntlet.Scanner.Tests.Code.SourceScanTestKit;

namespace Gauntlet.Scanner.Tests.Code;

public sealed class PythonRulesTests
{
    [Theory]
    [InlineData("import pickle as pk\npk.loads(b)\n", "code.pickle-load")]
    [InlineData("from torch import load\nload(f)\n", "code.torch-load")]
    [InlineData("import yaml\nyaml.load(f, Loader=yaml.Loader)\n", "code.yaml-unsafe-load")]
    [InlineData("import numpy as np\nnp.load(f, allow_pickle=True)\n", "code.numpy-allow-pickle")]
    [InlineData("import subprocess\nsubprocess.call('ls ' + d, shell=True)\n", "code.shell-injection")]
    [InlineData("exec(code)\n", "code.eval-exec")]
    [InlineData("import requests\nrequests.get(u, verify=False)\n", "code.tls-verification-disabled")]
    public void VulnerableCallIsReportedOnce(string source, string rule)
    {
        Assert.Equal([rule], Rules(source));
    }

    [Theory]
    [InlineData("import yaml\nyaml.load(f, Loader=yaml.SafeLoader)\n")]
    [InlineData("import torch\ntorch.load(p, weights_only=True)\n")]
    [InlineData("import numpy as np\nnp.load(f)\n")]
    [InlineData("eval('1+1')\n")]
    [InlineData("model.eval()\n")]
    [InlineData("import subprocess\nsubprocess.run(['ls', d], shell=False)\n")]
    [InlineData("x = 'pickle.loads(b)'  # torch.load(p)\n")]
    public void SafeCodeIsClean(string source)
    {
        Assert.Empty(Rules(source));
    }

    [Fact]
    public void FindingCarriesLineColumnAndFingerprint()
    {
        var report = Scan("import torch\n\n\nx = 1; sd = torch.load(p)\n");
        var finding = Assert.Single(report.Findings);
        Assert.Equal("code.torch-load", finding.RuleId);
        Assert.Equal(4, finding.Line);
        Assert.Equal(13, finding.Column);
        Assert.Equal(32, finding.Fingerprint!.Length);
        Assert.Equal(ArtifactFormat.PythonSource, report.Format);
        Assert.True(report.Analysed);
    }

    [Fact]
    public void FingerprintIgnoresLineShiftsAndWhitespace()
    {
        var a = Assert.Single(Scan("import torch\nsd = torch.load(p)\n").Findings);
        var b = Assert.Single(Scan("import torch\n\n\n# moved\nsd  =  torch.load(p)\n").Findings);
        Assert.NotEqual(a.Line, b.Line);
        Assert.Equal(a.Fingerprint, b.Fingerprint);
    }

    [Fact]
    public void InlineSuppressionByRuleOrBare()
    {
        var report = Scan("import pickle, torch\npickle.load(f)  # gauntlet: ignore[code.pickle-load]\ntorch.load(p)  # gauntlet: ignore\ntorch.load(q)  # gauntlet: ignore[code.pickle-load]\n");
        var finding = Assert.Single(report.Findings);
        Assert.Equal(("code.torch-load", 4), (finding.RuleId, finding.Line!.Value));
        Assert.Equal(2, report.SuppressedInline);
    }

    [Fact]
    public void SuppressionOnAnyLineOfAMultiLineCall()
    {
        Assert.Empty(Rules("import torch\nsd = torch.load(\n    p,\n)  # gauntlet: ignore[code.torch-load]\n"));
    }

    [Fact]
    public void LoggingRawInputIsPreciselyScoped()
    {
        const string serving = "import logging\nlogger = logging.getLogger(__name__)\n\nclass M:\n    def predict(self, x):\n        logger.info('in %s', x)\n        logger.info('n=%d', len(x))\n        logger.info(f'shape {x.shape}')\n";
        var findings = Scan(serving).Findings;
        var finding = Assert.Single(findings);
        Assert.Equal(("code.logs-raw-input", 6), (finding.RuleId, finding.Line!.Value));
    }

    [Fact]
    public void HardCodedCredentialIsMaskedAndProviderTokensLeftToSecretRules()
    {
        var finding = Assert.Single(Scan("password = 'hunter2-very-secret'\n").Findings);
        Assert.Equal("code.hardcoded-credential", finding.RuleId);
        Assert.Contains("'hunt****'", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-very-secret", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyCodeLeavesSecretsOut()
    {
        var fake = new Corpus.CodeCorpus.FakeSecrets(3);
        var source = $"import torch\ntorch.load(p)\nT = '{fake.GitHub()}'\n";
        Assert.Equal(["code.torch-load", "secret.github-token"], Scan(source).Findings.Select(f => f.RuleId).Order());
        var codeOnly = Scan(source, options: new ScanOptions { Categories = new HashSet<ScanCategory> { ScanCategory.Code } });
        Assert.Equal(["code.torch-load"], codeOnly.Findings.Select(f => f.RuleId));
        var secretsOnly = Scan(source, options: new ScanOptions { Categories = new HashSet<ScanCategory> { ScanCategory.Secrets } });
        Assert.Equal(["secret.github-token"], secretsOnly.Findings.Select(f => f.RuleId));
    }

    [Fact]
    public void EveryCodeAndSecretRuleIsRegistered()
    {
        var ids = ScanRules.All.Select(r => r.Id).ToHashSet();
        Assert.All(Gauntlet.Scanner.Code.Secrets.SecretDetector.RuleIds, id => Assert.Contains(id, ids));
        Assert.All(ScanRules.All.Where(r => r.Id.StartsWith("code.", StringComparison.Ordinal) && r.Id != "code.parse-problem"), r => Assert.NotEmpty(r.Cwe));
    }
}
