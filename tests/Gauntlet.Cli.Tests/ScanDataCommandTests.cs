namespace Gauntlet.Cli.Tests;

/// <summary>The data half of <c>gauntlet scan</c>: --train/--test, --privacy-policy, --no-sampling.</summary>
public sealed class ScanDataCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("gauntlet-scan-data-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Table(int from, int count) =>
        "f0,f1,label\n" + string.Concat(Enumerable.Range(from, count).Select(i => $"{i * 0.37:F2},{(i * 7919) % 101},{i % 2}\n"));

    [Fact]
    public void TrainAndTestWithoutPath_ReportDuplicatesAndFailTheGate()
    {
        var train = Write("train.csv", Table(0, 100));
        var test = Write("test.csv", Table(95, 20)); // 5 rows repeat train rows 95..99
        var (code, console, output, _) = CliRunner.Run("scan", "--train", train, "--test", test, "--format", "json");
        Assert.Equal(CliApp.ExitFindings, code);
        var text = console + output;
        Assert.Contains("leakage.exact-duplicate", text, StringComparison.Ordinal);
        Assert.Contains("5 of 20 test rows", text, StringComparison.Ordinal);
        Assert.Contains("test[0] = train[95]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainWithoutTest_IsOneLineUserError()
    {
        var (code, _, _, error) = CliRunner.Run("scan", "--train", Write("a.csv", Table(0, 3)));
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("--test is required with --train", error, StringComparison.Ordinal);
    }

    [Fact]
    public void NoPathAndNoSplits_IsOneLineUserError()
    {
        var (code, _, _, error) = CliRunner.Run("scan");
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void InvalidPrivacyPolicy_IsOneLineUserErrorAndWritesNothing()
    {
        var data = Write("people.csv", "email\nada@example.com\n");
        var policy = Write("policy.yaml", "allowed_categories: [emails]\n");
        var report = Path.Combine(folder, "out", "report.json");
        Directory.CreateDirectory(Path.GetDirectoryName(report)!);
        var (code, _, _, error) = CliRunner.Run("scan", data, "--privacy-policy", policy, "--format", "json", "--output", report);
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("unknown category 'emails'", error, StringComparison.Ordinal);
        Assert.False(File.Exists(report));
    }

    [Fact]
    public void PrivacyPolicyAndNoSampling_ReportPolicyFindingsWithArticles()
    {
        var data = Write("people.csv", "email,ssn\nada@example.com,123-45-6789\n");
        var policy = Write("policy.yaml", "allowed_categories: [email]\npseudonymisation_required: true\n");
        var (code, console, output, _) = CliRunner.Run("scan", data, "--privacy-policy", policy, "--no-sampling", "--format", "sarif");
        Assert.Equal(CliApp.ExitFindings, code);
        var text = console + output;
        Assert.Contains("privacy.category-not-allowed", text, StringComparison.Ordinal);
        Assert.Contains("GDPR Art. 5(1)(c)", text, StringComparison.Ordinal);
        Assert.Contains("\"startLine\": 2", text, StringComparison.Ordinal);
    }
}
