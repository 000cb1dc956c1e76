namespace Gauntlet.Cli.Tests;

public sealed class CliAppTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Console, string Out, string Err) Run(params string[] args) => CliRunner.RunWithWidth(160, args);

    [Fact]
    public void Version_PrintsVersionAndExitsZero()
    {
        var (code, _, output, _) = Run("--version");
        Assert.Equal(0, code);
        Assert.Equal(CliApp.Version, output.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+", CliApp.Version);
    }

    [Fact]
    public void Help_ListsCommands()
    {
        var (code, _, output, _) = Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("train", output);
        Assert.Contains("info", output);
    }

    [Fact]
    public void UnknownCommand_IsOneClearErrorAndNonZeroExit()
    {
        var (code, _, _, error) = Run("frobnicate");
        Assert.NotEqual(0, code);
        Assert.Contains("frobnicate", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void BadOptionValue_IsAParseErrorNotAStackTrace()
    {
        var (code, _, _, error) = Run("train", "--epochs", "many");
        Assert.NotEqual(0, code);
        Assert.Contains("many", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void Train_MissingDataFolder_IsOneLineUserError()
    {
        var (code, _, _, error) = Run("train", "--data", Path.Combine(_dir, "missing"));
        Assert.Equal(CliApp.ExitUserError, code);
        var lines = error.Trim().Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("error: --data:", lines[0]);
        Assert.Contains("does not exist", lines[0]);
    }

    [Fact]
    public void Train_NonPositiveEpochs_IsUserError()
    {
        var (code, _, _, error) = Run("train", "--data", "demo", "--epochs", "0");
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Contains("--epochs", error);
    }

    [Fact]
    public void Train_Adversarial_RecordsTheSettingsInTheLog()
    {
        var outPath = Path.Combine(_dir, "adv.gntp");
        var (code, console, _, error) = Run("train", "--arch", "mlp", "--data", "demo", "--epochs", "1", "--limit", "128", "--adversarial", "pgd", "--adv-eps", "0.05", "--adv-steps", "2", "--out", outPath);
        Assert.True(code == 0, error);
        Assert.Contains("adversarial training: pgd", console);
        using var log = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(outPath, ".train.json")));
        var adversarial = log.RootElement.GetProperty("adversarial");
        Assert.Equal("pgd", adversarial.GetProperty("method").GetString());
        Assert.Equal(2, adversarial.GetProperty("steps").GetInt32());
        Assert.Equal(0.0625, adversarial.GetProperty("step_size").GetDouble(), 6);
    }

    [Theory]
    [InlineData("--adv-eps", "0")]
    [InlineData("--adv-eps", "1.5")]
    [InlineData("--adv-fraction", "0")]
    [InlineData("--adv-steps", "0")]
    public void Train_AdversarialOutOfRange_IsOneLineUserError(string option, string value)
    {
        var (code, _, _, error) = Run("train", "--data", "demo", "--adversarial", "fgsm", option, value);
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.StartsWith($"error: {option}: ", Assert.Single(error.Trim().Split('\n')));
    }

    [Fact]
    public void Train_OnDemoData_SavesParametersAndLog()
    {
        var outPath = Path.Combine(_dir, "model.gntp");
        var (code, console, _, error) = Run("train", "--arch", "mlp", "--data", "demo", "--epochs", "1", "--limit", "128", "--out", outPath, "--seed", "3");
        Assert.True(code == 0, error);
        Assert.Contains("test acc", console);
        Assert.True(File.Exists(outPath));
        var log = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(outPath, ".train.json")));
        Assert.Equal(3, log.RootElement.GetProperty("seed").GetInt32());
        Assert.Equal(128, log.RootElement.GetProperty("train_count").GetInt32());
        Assert.Single(log.RootElement.GetProperty("epochs_log").EnumerateArray());
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp*"));
    }

    [Fact]
    public void Train_OutIntoMissingFolder_IsRefusedBeforeTraining()
    {
        // Output paths are checked before any work (docs/limits.md, "Output files"): a typo in the
        // folder costs nothing and creates nothing.
        var outPath = Path.Combine(_dir, "new", "nested", "model.onnx");
        var (code, console, _, error) = Run("train", "--arch", "mlp", "--data", "demo", "--epochs", "1", "--limit", "64", "--out", outPath);
        Assert.Equal(2, code);
        Assert.Equal($"error: --out {outPath}: the folder {Path.GetDirectoryName(outPath)} does not exist.", error.Trim());
        Assert.DoesNotContain("epoch", console, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "new")));
    }

    [Fact]
    public void Info_ShowsEngineSettings()
    {
        var (code, console, _, _) = Run("info");
        Assert.Equal(0, code);
        Assert.Contains("engine threads", console);
        Assert.Contains("Vector256", console);
    }

    [Fact]
    public void UserErrorClassification_CoversInputFailuresButNotBugs()
    {
        Assert.True(CliApp.IsUserError(new InvalidDataException("x")));
        Assert.True(CliApp.IsUserError(new FileNotFoundException("x")));
        Assert.True(CliApp.IsUserError(new UserInputException("x")));
        Assert.False(CliApp.IsUserError(new NullReferenceException()));
        Assert.False(CliApp.IsUserError(new InvalidOperationException()));
    }
}
