using System.Text.Json;

namespace Gauntlet.Cli.Tests;

/// <summary>What a user sees the same way in every command: the sample-count option, JSON versions, listing attacks.</summary>
public sealed class CommandConsistencyTests
{
    [Theory]
    [InlineData("--samples")]
    [InlineData("--limit")]
    public void EvalAndAttack_TakeTheSampleCountAsSamples_OrItsAliasLimit(string option)
    {
        var (evalCode, _, evalJson, evalErr) = CliRunner.Run("eval", "demo", "--data", "demo", option, "12", "--json", "-");
        Assert.True(evalCode == 0, evalErr);
        using var eval = JsonDocument.Parse(evalJson);
        Assert.Equal(12, eval.RootElement.GetProperty("n").GetInt32());
        Assert.Equal(JsonValueKind.Number, eval.RootElement.GetProperty("schema_version").ValueKind);

        var (attackCode, _, attackJson, attackErr) = CliRunner.Run("attack", "demo", "--data", "demo", option, "6", "--attack", "fgsm", "--eps", "0.05", "--json", "-");
        Assert.True(attackCode == 0, attackErr);
        using var attack = JsonDocument.Parse(attackJson);
        Assert.Equal(6, attack.RootElement.GetProperty("n").GetInt32());
        Assert.Equal(JsonValueKind.Number, attack.RootElement.GetProperty("schema_version").ValueKind);
    }

    [Fact]
    public void SampleCountErrors_NameTheOptionAsTyped()
    {
        var (code, _, _, err) = CliRunner.Run("eval", "demo", "--data", "demo", "--samples", "0");
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.StartsWith("error: --samples: '0' is not a whole number", err.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void AttackList_NeedsNoModel_ButAnAttackDoes()
    {
        var (listCode, console, _, listErr) = CliRunner.Run("attack", "--list");
        Assert.True(listCode == 0, listErr);
        Assert.Contains("rfgsm", console, StringComparison.Ordinal);

        var (code, _, _, err) = CliRunner.Run("attack", "--data", "demo");
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Contains("attack needs a model file", err, StringComparison.Ordinal);
    }
}
