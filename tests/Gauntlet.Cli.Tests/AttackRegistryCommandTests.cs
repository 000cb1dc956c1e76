using System.Text.Json;
using Gauntlet.Attacks.Registry;

namespace Gauntlet.Cli.Tests;

/// <summary>The CLI reads the attack registry: --list, --attack's accepted values and help, --random-start, train --adversarial.</summary>
public sealed class AttackRegistryCommandTests(TrainedDemoModel model) : IClassFixture<TrainedDemoModel>
{
    [Fact]
    public void AttackList_ShowsEveryNameAliasAndOption()
    {
        var (code, console, _, _) = CliRunner.RunWithWidth(400, "attack", "unused.gntp", "--list");
        Assert.Equal(0, code);
        foreach (var name in AttackRegistry.NamesAndAliases)
        {
            Assert.Contains(name, console);
        }

        Assert.Contains("--random-start true", console);
        Assert.Contains("--max-queries 1000", console);
        Assert.Contains("Madry et al. 2018", console);
    }

    [Fact]
    public void AttackHelp_ListsTheRegisteredNames()
    {
        var (code, _, output, _) = CliRunner.RunWithWidth(400, "attack", "--help");
        Assert.Equal(0, code);
        foreach (var name in AttackRegistry.Names)
        {
            Assert.Contains(name, output);
        }

        Assert.Contains("--random-start", output);
    }

    [Fact]
    public void Alias_RunsTheSameAttackAsItsName()
    {
        string Run(string name)
        {
            var json = Path.Combine(model.Directory, $"alias-{name}.json");
            var (code, _, _, error) = CliRunner.Run("attack", model.ModelPath, "--data", "demo", "--limit", "16", "--attack", name, "--eps", "0.1", "--json", json);
            Assert.True(code == 0, error);
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            return doc.RootElement.GetProperty("attack").GetString() + " " + doc.RootElement.GetProperty("robust_accuracy").GetDouble();
        }

        Assert.Equal(Run("fgsm"), Run("fgm"));
    }

    [Theory]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public void RandomStart_IsPassedToPgd_AndRecorded(string value, bool expected)
    {
        var json = Path.Combine(model.Directory, $"pgd-random-start-{value}.json");
        var (code, _, _, error) = CliRunner.Run("attack", model.ModelPath, "--data", "demo", "--limit", "16", "--attack", "pgd", "--steps", "3", "--random-start", value, "--json", json);
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var parameters = doc.RootElement.GetProperty("params");
        Assert.Equal(expected, parameters.GetProperty("random_start").GetBoolean());
        Assert.Equal(3, parameters.GetProperty("steps").GetInt32());
        Assert.Equal(0.025, parameters.GetProperty("step_size").GetDouble(), 6);
    }

    [Theory]
    [InlineData(new[] { "--steps", "0" }, "--steps: '0' is not a whole number between 1 and")]
    [InlineData(new[] { "--restarts", "0" }, "--restarts: '0' is not a whole number between 1 and")]
    [InlineData(new[] { "--attack", "square", "--max-queries", "2" }, "--max-queries: '2' is not a whole number between 3 and")]
    public void OutOfRangeParameter_IsOneLineUserError_NamingTheOption(string[] options, string expected)
    {
        var (code, _, _, error) = CliRunner.Run(["attack", model.ModelPath, "--data", "demo", "--limit", "8", .. options]);
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Contains(expected, Assert.Single(error.Trim().Split('\n')));
    }

    [Fact]
    public void TrainAdversarial_AcceptsAnyTrainableAttack_AndRefusesOthers()
    {
        var outPath = Path.Combine(model.Directory, "apgd-trained.gntp");
        var (code, console, _, error) = CliRunner.Run("train", "--arch", "mlp", "--data", "demo", "--epochs", "1", "--limit", "64", "--adversarial", "apgd-ce", "--adv-eps", "0.05", "--adv-steps", "2", "--out", outPath);
        Assert.True(code == 0, error);
        Assert.True(console.Contains("adversarial training: apgd-ce ε 0.05, 2 steps, 100 % of each batch", StringComparison.Ordinal), console);
        using var log = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(outPath, ".train.json")));
        Assert.Equal("apgd-ce", log.RootElement.GetProperty("adversarial").GetProperty("method").GetString());
        Assert.Equal(JsonValueKind.Null, log.RootElement.GetProperty("adversarial").GetProperty("step_size").ValueKind);

        (code, _, _, error) = CliRunner.Run("train", "--data", "demo", "--adversarial", "square");
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Contains("square", error);
    }
}
