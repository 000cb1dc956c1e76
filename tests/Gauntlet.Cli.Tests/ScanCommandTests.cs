namespace Gauntlet.Cli.Tests;

public class ScanCommandTests
{
    private static string Corpus(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gauntlet.slnx")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return Path.Combine(dir!.FullName, "tests", "Gauntlet.Scanner.Tests", "Fixtures", "corpus", relative);
    }

    // Reports written to standard output appear in the console text here, so tests read one string.
    private static (int Code, string Console, string Out, string Err) Run(params string[] args)
    {
        var (code, console, output, error) = CliRunner.Run(args);
        return (code, console + output, output, error);
    }

    [Fact]
    public void Scan_MaliciousPickle_ExitsOneAndNamesTheCallable()
    {
        var (code, text, _, _) = Run("scan", Corpus("malicious/families/builtins_eval.pkl"));
        Assert.Equal(CliApp.ExitFindings, code);
        Assert.Contains("eval", text);
    }

    [Fact]
    public void Scan_BenignNumpyArray_ExitsZero()
    {
        var (code, _, _, error) = Run("scan", Corpus("benign/numpy/float32.npy"));
        Assert.True(code == CliApp.ExitOk, error);
    }

    [Fact]
    public void Scan_SarifToStdout_IsJsonWithVersion()
    {
        var (_, text, _, _) = Run("scan", Corpus("malicious/families/builtins_exec.pkl"), "--format", "sarif");
        using var doc = System.Text.Json.JsonDocument.Parse(text);
        Assert.Equal("2.1.0", doc.RootElement.GetProperty("version").GetString());
    }

    [Fact]
    public void Scan_ReportToFile_WritesCompleteCycloneDxBom()
    {
        var outPath = Path.Combine(Path.GetTempPath(), $"gauntlet-bom-{Guid.NewGuid():N}.json");
        try
        {
            var (code, _, _, _) = Run("scan", Corpus("benign/numpy"), "--format", "cyclonedx", "--output", outPath);
            Assert.Equal(CliApp.ExitOk, code);
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(outPath));
            Assert.Equal("CycloneDX", doc.RootElement.GetProperty("bomFormat").GetString());
            Assert.Equal("1.6", doc.RootElement.GetProperty("specVersion").GetString());
        }
        finally
        {
            File.Delete(outPath);
        }
    }

    [Fact]
    public void Scan_MissingPath_IsOneLineUserError()
    {
        var (code, _, _, error) = Run("scan", "/nonexistent/gauntlet/model.pt");
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith("error:", error);
    }

    [Fact]
    public void Scan_EncryptedZip_PassesByDefault_AndFailsWithFailOnUnscanned()
    {
        var zip = Corpus("benign/zip/encrypted.zip");

        var (passed, passText, _, _) = Run("scan", zip);
        Assert.Equal(CliApp.ExitOk, passed);
        Assert.Contains("2 file(s) or entries not analysed", passText);
        Assert.Contains("-> pass", passText);

        var (failed, failText, _, _) = Run("scan", zip, "--fail-on-unscanned");
        Assert.Equal(CliApp.ExitFindings, failed);
        Assert.Contains("encrypted entry; not analysed", failText); // shown without --show-info
        Assert.Contains("Gate: --fail-on medium --fail-on-unscanned -> FAIL", failText);
    }

    [Fact]
    public void Scan_FailOnUnscanned_FailsOnAnUnknownFormat_AndPassesWhenEverythingWasAnalysed()
    {
        var dir = Directory.CreateTempSubdirectory("gauntlet-unscanned-");
        try
        {
            // A README.md is now scanned for secrets (docs/code-scanning.md); a file of no known format stays unanalysed.
            File.WriteAllText(Path.Combine(dir.FullName, "weights.xyz"), "# a model\n");
            var (unknown, text, _, _) = Run("scan", dir.FullName, "--fail-on-unscanned");
            Assert.Equal(CliApp.ExitFindings, unknown);
            Assert.Contains("format not recognised", text);

            var (clean, _, _, error) = Run("scan", Corpus("benign/numpy/float32.npy"), "--fail-on-unscanned");
            Assert.True(clean == CliApp.ExitOk, error);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("json")]
    [InlineData("sarif")]
    [InlineData("cyclonedx")]
    public void Scan_FailOnUnscanned_GatesEveryReportFormat_WhichSaysNotAnalysed(string format)
    {
        var (code, output, _, _) = Run("scan", Corpus("benign/zip/encrypted.zip"), "--format", format, "--fail-on-unscanned");
        Assert.Equal(CliApp.ExitFindings, code);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var count = format switch
        {
            "json" => doc.RootElement.GetProperty("not_analysed").GetInt32(),
            "sarif" => doc.RootElement.GetProperty("runs")[0].GetProperty("properties").GetProperty("notAnalysedCount").GetInt32(),
            _ => int.Parse(doc.RootElement.GetProperty("metadata").GetProperty("properties")[0].GetProperty("value").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
        };
        Assert.Equal(2, count);
        Assert.Contains("encrypted entry; not analysed", output);
    }
}
