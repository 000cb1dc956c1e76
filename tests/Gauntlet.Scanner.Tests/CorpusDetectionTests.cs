using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace Gauntlet.Scanner.Tests;

public sealed class CorpusDetectionTests(ITestOutputHelper output)
{
    [Fact]
    public void Corpus_EveryMaliciousArtifactDetectedAtItsSeverity_AndNoBenignArtifactAboveLow()
    {
        var failures = new StringBuilder();
        int malicious = 0, detected = 0, benign = 0, falsePositives = 0;
        foreach (var entry in Fixtures.Manifest)
        {
            var report = ModelScanner.ScanFile(entry.FullPath, entry.Path);
            var worst = report.MaxSeverity ?? Severity.Info;
            if (entry.Benign)
            {
                benign++;
                if (worst > Severity.Low)
                {
                    falsePositives++;
                    failures.AppendLine(CultureInfo.InvariantCulture, $"FALSE POSITIVE {entry.Path}: {Describe(report)}");
                }

                continue;
            }

            malicious++;
            var ruleOk = entry.Rule is null || report.Findings.Any(f => f.RuleId == entry.Rule);
            if (worst == entry.Severity && ruleOk)
            {
                detected++;
            }
            else
            {
                failures.AppendLine(CultureInfo.InvariantCulture, $"MISSED {entry.Path} (want {entry.Severity.ToName()} {entry.Rule}): {Describe(report)}");
            }
        }

        var summary = string.Create(CultureInfo.InvariantCulture,
            $"detection rate {detected}/{malicious} = {100.0 * detected / malicious:F1}%, false-positive rate {falsePositives}/{benign} = {100.0 * falsePositives / benign:F1}%");
        output.WriteLine(summary);
        Console.WriteLine(summary);
        output.WriteLine(failures.ToString());
        Assert.True(failures.Length == 0, summary + Environment.NewLine + failures);
    }

    [Fact]
    public void Corpus_FailOnHighCatchesEveryCodeExecutionSample()
    {
        var samples = Fixtures.Manifest.Where(e => e.CodeExecution).ToList();
        Assert.True(samples.Count >= 70, $"only {samples.Count} code-execution samples in the manifest");
        // The gate 'scan --fail-on high' applies: ScanReport.HasFindingsAtOrAbove(High).
        var missed = samples
            .Select(e => (e.Path, Report: ModelScanner.Scan(e.FullPath)))
            .Where(r => !r.Report.HasFindingsAtOrAbove(Severity.High))
            .Select(r => $"{r.Path}: {Describe(Assert.Single(r.Report.Artifacts))}")
            .ToList();
        Assert.True(missed.Count == 0, "--fail-on high would pass these code-execution samples:" + Environment.NewLine + string.Join(Environment.NewLine, missed));
    }

    [Fact]
    public void Corpus_BenignTorchCheckpointsUseOnlyAllowlistedCallables()
    {
        foreach (var entry in Fixtures.Manifest.Where(e => e.Benign && e.Path.StartsWith("benign/torch/", StringComparison.Ordinal)))
        {
            var report = ModelScanner.ScanFile(entry.FullPath, entry.Path);
            Assert.Equal(ArtifactFormat.PyTorchZip, report.Format);
            Assert.Contains(report.Findings, f => f.RuleId == "pickle.allowed-callable" && f.Message.Contains("torch._utils._rebuild_tensor_v2", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("malicious/extensions/weights.jpg", ArtifactFormat.Pickle)]
    [InlineData("malicious/extensions/model.txt", ArtifactFormat.PyTorchZip)]
    [InlineData("malicious/legacy/legacy_torch_os_system.pth", ArtifactFormat.PyTorchLegacy)]
    [InlineData("malicious/torchscript/tiny_scripted.pt", ArtifactFormat.TorchScript)]
    [InlineData("benign/legacy/mlp_legacy.pt", ArtifactFormat.PyTorchLegacy)]
    [InlineData("benign/sklearn/forest.joblib", ArtifactFormat.Joblib)]
    [InlineData("benign/numpy/arrays.npz", ArtifactFormat.NumPyZip)]
    [InlineData("benign/keras/plain.keras", ArtifactFormat.Keras)]
    [InlineData("benign/keras/plain.h5", ArtifactFormat.Hdf5)]
    [InlineData("benign/onnx/mlp.onnx", ArtifactFormat.Onnx)]
    [InlineData("benign/safetensors/model.safetensors", ArtifactFormat.Safetensors)]
    [InlineData("benign/gguf/tiny.gguf", ArtifactFormat.Gguf)]
    [InlineData("benign/tensorflow/saved_model.pb", ArtifactFormat.TensorFlow)]
    [InlineData("malicious/archives/model_in_tar.tar.gz", ArtifactFormat.Compressed)]
    [InlineData("malicious/archives/model_in_tar.tar.xz", ArtifactFormat.Compressed)]
    [InlineData("malicious/archives/pickle.pkl.lz4", ArtifactFormat.Compressed)]
    [InlineData("malicious/archives/pickle.pkl.zst", ArtifactFormat.Compressed)]
    [InlineData("malicious/archives/model.7z", ArtifactFormat.SevenZip)]
    [InlineData("benign/keras/no_metadata_plain.keras", ArtifactFormat.Keras)]
    [InlineData("malicious/keras/no_metadata_lambda.keras", ArtifactFormat.Keras)]
    public void Corpus_FormatRecognisedByContent(string path, ArtifactFormat expected)
    {
        var report = ModelScanner.ScanFile(Path.Combine(Fixtures.CorpusRoot, path), path);
        Assert.Equal(expected, report.Format);
        Assert.True(report.Analysed);
    }

    [Fact]
    public void Corpus_CallArgumentsAreRecoveredStatically()
    {
        var report = ModelScanner.ScanFile(Path.Combine(Fixtures.CorpusRoot, "malicious/families/os_system.pkl"), "os_system.pkl");
        var finding = Assert.Single(report.Findings, f => f.Severity == Severity.Critical);
        Assert.Contains("os.system('touch /tmp/pwned')", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScanFolder_ListsFilesThatCouldNotBeAnalysed()
    {
        var report = ModelScanner.Scan(Path.Combine(Fixtures.CorpusRoot, "benign", "onnx"));
        var weights = Assert.Single(report.Artifacts, a => a.RelativePath == "external/weights.bin");
        Assert.False(weights.Analysed);
        Assert.Contains(weights.Findings, f => f.RuleId == "scan.not-analysed");
    }

    [Fact]
    public void ScanFolder_AppliesIncludeAndExcludeGlobs()
    {
        var options = new ScanOptions { Include = ["**/*.pkl"], Exclude = ["families/os_*"] };
        var report = ModelScanner.Scan(Path.Combine(Fixtures.CorpusRoot, "malicious"), options);
        Assert.NotEmpty(report.Artifacts);
        Assert.All(report.Artifacts, a => Assert.EndsWith(".pkl", a.RelativePath, StringComparison.Ordinal));
        Assert.DoesNotContain(report.Artifacts, a => a.RelativePath == "families/os_system.pkl");
        Assert.Contains(report.Artifacts, a => a.RelativePath == "families/posix_system.pkl");
    }

    private static string Describe(ArtifactReport report) =>
        $"[{report.Format}] max {report.MaxSeverity?.ToName() ?? "none"}: " + string.Join(" | ", report.Findings.Take(6).Select(f => $"{f.Severity.ToName()} {f.RuleId}: {f.Message}"));
}
