namespace Gauntlet.Cli.Tests;

/// <summary><c>gauntlet scan</c> on a project folder: routing, --only, baselines and SARIF regions for code.</summary>
public sealed class ScanCodeCommandTests : IDisposable
{
    private readonly DirectoryInfo project = Directory.CreateTempSubdirectory("gauntlet-scan-code-");
    private readonly DirectoryInfo outside = Directory.CreateTempSubdirectory("gauntlet-scan-out-");

    public ScanCodeCommandTests()
    {
        File.WriteAllText(Path.Combine(project.FullName, "train.py"), "import torch\n\nstate = torch.load('model.pt')\n");
        File.WriteAllText(Path.Combine(project.FullName, "settings.yaml"), "db: postgresql://app:pa55w0rd9@db.example.com/ml\n");
        File.WriteAllText(Path.Combine(project.FullName, "README.md"), "# project\n");
    }

    public void Dispose()
    {
        project.Delete(recursive: true);
        outside.Delete(recursive: true);
    }

    private static (int Code, string Text, string Error) Run(params string[] args)
    {
        var (code, console, output, error) = CliRunner.Run(args);
        return (code, console + output, error);
    }

    [Fact]
    public void FolderScanRoutesCodeAndConfigs()
    {
        var (code, text, _) = Run("scan", project.FullName, "--format", "json");
        Assert.Equal(CliApp.ExitFindings, code);
        Assert.Contains("\"rule_id\": \"code.torch-load\"", text, StringComparison.Ordinal);
        Assert.Contains("\"rule_id\": \"secret.database-url-password\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("pa55w0rd9", text, StringComparison.Ordinal);
        Assert.Contains("\"line\": 3", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("code", "code.torch-load", "secret.database-url-password")]
    [InlineData("secrets", "secret.database-url-password", "code.torch-load")]
    [InlineData("models,secrets", "secret.database-url-password", "code.torch-load")]
    public void OnlySelectsCategories(string only, string present, string absent)
    {
        var (_, text, _) = Run("scan", project.FullName, "--format", "json", "--only", only);
        Assert.Contains(present, text, StringComparison.Ordinal);
        Assert.DoesNotContain(absent, text, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownCategoryIsAOneLineUserError()
    {
        var (code, _, error) = Run("scan", project.FullName, "--only", "cod");
        Assert.Equal(2, code);
        Assert.Contains("--only: unknown category 'cod'", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void WrittenBaselineSilencesExistingFindingsButNotNewOnes()
    {
        var baseline = Path.Combine(outside.FullName, "baseline.json");
        var (first, _, _) = Run("scan", project.FullName, "--write-baseline", baseline);
        Assert.Equal(CliApp.ExitFindings, first);
        Assert.True(File.Exists(baseline));
        var (second, _, _) = Run("scan", project.FullName, "--baseline", baseline);
        Assert.Equal(CliApp.ExitOk, second);

        File.WriteAllText(Path.Combine(project.FullName, "train.py"), "import torch, pickle\n\n\nstate = torch.load('model.pt')\nobj = pickle.loads(blob)\n");
        var (third, text, _) = Run("scan", project.FullName, "--baseline", baseline, "--format", "json");
        Assert.Equal(CliApp.ExitFindings, third);
        Assert.Contains("code.pickle-load", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"rule_id\": \"code.torch-load\"", text, StringComparison.Ordinal);
        Assert.Contains("\"suppressed_by_baseline\": 2", text, StringComparison.Ordinal);
    }

    [Fact]
    public void BrokenBaselineIsAOneLineUserError()
    {
        var baseline = Path.Combine(outside.FullName, "bad.json");
        File.WriteAllText(baseline, "{\"version\": 9}");
        var (code, _, error) = Run("scan", project.FullName, "--baseline", baseline);
        Assert.Equal(2, code);
        Assert.Contains("--baseline", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void SarifCarriesStartLineForCode()
    {
        var (_, text, _) = Run("scan", Path.Combine(project.FullName, "train.py"), "--format", "sarif");
        using var doc = System.Text.Json.JsonDocument.Parse(text);
        var region = doc.RootElement.GetProperty("runs")[0].GetProperty("results")[0].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region");
        Assert.Equal(3, region.GetProperty("startLine").GetInt32());
        Assert.Equal(9, region.GetProperty("startColumn").GetInt32());
    }
}
