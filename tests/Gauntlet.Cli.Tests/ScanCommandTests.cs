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
}
