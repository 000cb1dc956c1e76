using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Gauntlet.Core;
using Spectre.Console.Testing;

namespace Gauntlet.Cli.Tests.BadInput;

/// <summary>
/// Every numeric option of every command, found by walking the command tree, against every value
/// it must refuse: NaN, ±∞, non-numbers, values below its minimum, above its maximum or limit,
/// 1e12, 1e30 and 1,000,000,000. Each must be one line on stderr naming the option, exit 2,
/// nothing written, and quick.
/// </summary>
public sealed class NumericOptionCases : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private static readonly Type[] NumericTypes = [typeof(int), typeof(int?), typeof(long), typeof(long?), typeof(float), typeof(float?), typeof(double), typeof(double?)];

    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-numeric-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Every (command, option) pair whose value is a number.</summary>
    public static IEnumerable<(string Command, Option Option)> NumericOptions() =>
        CliApp.BuildRootCommand(new TestConsole()).Subcommands
            .SelectMany(c => c.Options.Where(o => NumericTypes.Contains(o.ValueType)).Select(o => (c.Name, o)));

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (command, option) in NumericOptions())
        {
            var spec = NumericOption.SpecOf(option) ?? throw new InvalidOperationException($"{command} {option.Name} is not built by NumericOption");
            foreach (var value in Refused(spec))
            {
                data.Add(command, option.Name, value);
            }
        }

        foreach (var command in new[] { "eval", "attack", "audit" })
        {
            foreach (var value in new[] { "NaN", "Infinity", "-Infinity", "inf", "abc", "1e39", "0.5,NaN", "" })
            {
                data.Add(command, "--mean", value);
                data.Add(command, "--std", value);
            }

            data.Add(command, "--std", "0");
            data.Add(command, "--std", "-1");
        }

        return data;
    }

    [Fact]
    public void EveryNumericOption_IsBuiltByNumericOption()
    {
        var options = NumericOptions().ToList();
        Assert.True(options.Count >= 29, $"found only {options.Count} numeric options");
        Assert.All(options, o => Assert.True(NumericOption.SpecOf(o.Option) is not null, $"{o.Command} {o.Option.Name} bypasses NumericOption"));
        foreach (var command in new[] { "attack", "train", "eval", "audit", "scan", "bench" })
        {
            Assert.Contains(CliApp.BuildRootCommand(new TestConsole()).Subcommands.Single(c => c.Name == command).Options, o => o.Name == RunLimits.CliSwitch);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RefusedValue_IsOneLineNamingTheOption_Exit2_NothingWritten(string command, string option, string value)
    {
        var args = Base(command, option).Concat([option, value]).ToArray();
        var clock = Stopwatch.StartNew();
        var (code, _, _, error) = CliRunner.Run(args);
        clock.Stop();
        var shown = string.Join(' ', args);
        Assert.True(code == CliApp.ExitUserError, $"{shown}: exit {code}, stderr {error}");
        var line = Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.Contains(option, line);
        Assert.DoesNotContain("System.", line);
        Assert.Equal([Path.Combine(_dir, "input.bin")], Directory.EnumerateFileSystemEntries(_dir, "*", SearchOption.AllDirectories));
        Assert.True(clock.Elapsed < Bound, $"{shown}: {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Theory]
    [InlineData("--adv-eps", "0.2")]
    [InlineData("--adv-steps", "3")]
    [InlineData("--adv-step-size", "0.01")]
    [InlineData("--adv-fraction", "0.5")]
    public void AdversarialSetting_WithoutAdversarial_IsRefused(string option, string value)
    {
        var (code, _, _, error) = CliRunner.Run([.. Base("train", option).Where(a => a is not "--adversarial" and not "fgsm"), option, value]);
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Equal($"error: {option} only applies with --adversarial; add --adversarial or drop {option} (see --help)", error.Trim());
    }

    [Fact]
    public void Limit_Message_NamesTheLimitAndTheSwitch()
    {
        var (code, _, _, error) = CliRunner.Run("train", "--epochs", "10000000");
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Equal("error: --epochs: 10,000,000 is over the limit of 10,000 (docs/limits.md); pass --no-limits to allow it (see --help)", error.Trim());
    }

    [Fact]
    public void WholeNumber_Message_NamesTheRange()
    {
        var (code, _, _, error) = CliRunner.Run("eval", "demo", "--data", "demo", "--limit", "1e12");
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Equal("error: --limit: '1e12' is not a whole number between 1 and 2,147,483,647 (see --help)", error.Trim());
    }

    [Fact]
    public void NoLimits_LetsAJustOverTheLimitValueThrough()
    {
        var file = Path.Combine(_dir, "input.bin");
        File.WriteAllBytes(file, [1, 2, 3]);
        var over = (RunLimits.MaxArchiveDepth + 1).ToString(CultureInfo.InvariantCulture);

        var (refused, _, _, error) = CliRunner.Run("scan", file, "--max-depth", over);
        Assert.Equal(CliApp.ExitUserError, refused);
        Assert.Contains("--max-depth", error);

        var (code, console, _, lifted) = CliRunner.Run("scan", file, "--max-depth", over, "--no-limits");
        Assert.True(code is CliApp.ExitOk or CliApp.ExitFindings, lifted);
        Assert.Contains("1 file(s) scanned", console);
    }

    [Fact]
    public void NoLimits_LetsAttackStepsOverTheLimitThrough()
    {
        var over = (RunLimits.MaxSteps + 1).ToString(CultureInfo.InvariantCulture);
        var (refused, _, _, _) = CliRunner.Run("attack", "demo", "--data", "demo", "--limit", "2", "--attack", "fgsm", "--steps", over);
        Assert.Equal(CliApp.ExitUserError, refused);
        var (code, _, _, error) = CliRunner.Run("attack", "demo", "--data", "demo", "--limit", "2", "--attack", "fgsm", "--steps", over, "--no-limits");
        Assert.True(code == CliApp.ExitOk, error);
    }

    [Fact]
    public void Train_HugeLearningRate_IsRefused_AndWritesNoModel()
    {
        var model = Path.Combine(_dir, "m.gntp");
        var (code, _, _, error) = CliRunner.Run("train", "--data", "demo", "--arch", "mlp", "--epochs", "1", "--limit", "64", "--lr", "1e30", "--out", model);
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Contains("--lr", error);
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void Train_Diverging_StopsWithExit2_NamingTheStepAndTheRate_AndWritesNoModel()
    {
        var model = Path.Combine(_dir, "m.gntp");
        var (code, _, _, error) = CliRunner.Run("train", "--data", "demo", "--arch", "mlp", "--epochs", "1", "--limit", "800", "--lr", "1e30", "--no-limits", "--out", model);
        Assert.Equal(CliApp.ExitUserError, code);
        var line = Assert.Single(error.Trim().Split('\n'));
        Assert.Matches(@"^error: training diverged at epoch 1 step \d+ \(loss (NaN|-?Infinity)\); lower --lr \(got 1E\+30\)\.$", line);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public void ArgumentExceptionParameterSuffix_IsNotShown()
    {
        var (code, _, _, error) = CliRunner.Run("eval", "demo", "--data", "demo", "--limit", "2", "--mean", "0.5,0.5", "--std", "1,1");
        Assert.Equal(CliApp.ExitUserError, code);
        var line = Assert.Single(error.Trim().Split('\n'));
        Assert.DoesNotContain("(Parameter", line);
        Assert.DoesNotContain("ModuleClassifier", line);
        Assert.Contains("one per channel", line);
    }

    // The values a spec must refuse; for a whole-number option also anything that is not an integer.
    private static IEnumerable<string> Refused(NumericSpec spec)
    {
        string[] always = ["NaN", "Infinity", "-Infinity", "inf", "-inf", "abc", "", "1e12", "1e30"];
        foreach (var v in always)
        {
            yield return v;
        }

        var range = spec.Range;
        if (spec.Whole)
        {
            yield return "2.5";
            if (range.Min > int.MinValue)
            {
                yield return (range.Min - 1).ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                yield return "-2147483649";
            }

            yield return "2147483648";
        }
        else
        {
            yield return (range.MinExclusive ? range.Min : range.Min - 1).ToString(CultureInfo.InvariantCulture);
            if (range.Max < 1e9)
            {
                yield return (range.Max * 2 + 1).ToString(CultureInfo.InvariantCulture);
            }
        }

        if (spec.Limit is { } limit)
        {
            yield return (spec.Whole ? limit + 1 : limit * 2).ToString(CultureInfo.InvariantCulture);
            if (limit < 1e9)
            {
                yield return "1000000000";
            }
        }
    }

    // Cheap, valid arguments for each command (outputs inside the temporary folder), without the option under test.
    private string[] Base(string command, string option)
    {
        var input = Path.Combine(_dir, "input.bin");
        if (!File.Exists(input))
        {
            File.WriteAllBytes(input, [1, 2, 3]);
        }

        (string Name, string? Value)[] args = command switch
        {
            "attack" => [("demo", null), ("--data", "demo"), ("--samples", "2"), ("--attack", "fgsm"), ("--json", Path.Combine(_dir, "a.json"))],
            "eval" => [("demo", null), ("--data", "demo"), ("--samples", "2"), ("--json", Path.Combine(_dir, "e.json"))],
            "train" => [("--data", "demo"), ("--arch", "mlp"), ("--epochs", "1"), ("--samples", "16"), ("--adversarial", "fgsm"), ("--out", Path.Combine(_dir, "m.gntp"))],
            "audit" => [("--data", "demo"), ("--samples", "2"), ("--time-budget", "1"), ("--out", Path.Combine(_dir, "audit"))],
            "defend" => [("demo", null), ("--data", "demo"), ("--samples", "2"), ("--defense", "bit-depth"), ("--steps", "1"), ("--out", Path.Combine(_dir, "defend"))],
            "membership" => [("demo", null), ("--members", "demo"), ("--nonmembers", "demo"), ("--json", Path.Combine(_dir, "m.json"))],
            "privacy-budget" => [("--sample-rate", "0.04"), ("--noise-multiplier", "1.5"), ("--steps", "10"), ("--delta", "1e-5"), ("--json", Path.Combine(_dir, "p.json"))],
            "extract" => [("demo", null), ("--query-data", "demo"), ("--budget", "20"), ("--arch", "mlp"), ("--epochs", "1"), ("--transfer-eps", "0"), ("--monitor", null), ("--json", Path.Combine(_dir, "x.json"))],
            "invert" => [("demo", null), ("--data", "demo"), ("--samples", "20"), ("--steps", "1"), ("--class", "0"), ("--out", Path.Combine(_dir, "inv"))],
            "certify" => [("demo", null), ("--data", "demo"), ("--samples", "1"), ("--n0", "1"), ("--n", "2"), ("--json", Path.Combine(_dir, "c.json"))],
            "poison" => [("--data", "demo"), ("--attack", "badnets"), ("--samples", "20"), ("--out", Path.Combine(_dir, "poison"))],
            "backdoor" => [("demo", null), ("--data", "demo"), ("--samples", "20"), ("--steps", "1"), ("--strip-overlays", "2"), ("--json", Path.Combine(_dir, "b.json"))],
            "scan" => [(input, null), ("--format", "json"), ("--output", Path.Combine(_dir, "s.json"))],
            "bench" => [("--quick", null), ("--export", Path.Combine(_dir, "bench"))],
            "federated" => [("--clients", "2"), ("--rounds", "1"), ("--hidden", "2"), ("--samples", "16"), ("--split", "iid"), ("--in-process", null), ("--json", Path.Combine(_dir, "f.json"))],
            "serve" => [("demo", null), ("--listen", "127.0.0.1:0"), ("--log", Path.Combine(_dir, "serve-log"))],
            "federated-client" => [("--server", "http://127.0.0.1:9/"), ("--data", Path.Combine(_dir, "missing"))],
            "fairness" => [("--data", Path.Combine(_dir, "missing.csv")), ("--label-column", "y"), ("--protected", "g"), ("--prediction-column", "p"), ("--out", Path.Combine(_dir, "fair"))],
            "explain" => [("demo", null), ("--data", "demo"), ("--samples", "1"), ("--steps", "1"), ("--out", Path.Combine(_dir, "explain"))],
            "llm-scan" => [("--target", "http://127.0.0.1:9/v1"), ("--model", "m"), ("--retries", "0"), ("--out", Path.Combine(_dir, "llm"))],
            "llm-target" => [("--listen", "127.0.0.1:0"), ("--duration", "0.1")],
            "guard" => [("--upstream", "http://127.0.0.1:9/v1"), ("--policy", Path.Combine(_dir, "missing.yaml")), ("--listen", "127.0.0.1:0"), ("--duration", "0.1")],
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, "a command without numeric options"),
        };
        var list = new List<string> { command };
        foreach (var (name, value) in args.Where(a => a.Name != option && !(option is "--mean" or "--std" && a.Name == "--std")))
        {
            list.Add(name);
            if (value is not null)
            {
                list.Add(value);
            }
        }

        // --mean and --std are checked as a pair later; give the partner a valid value.
        if (option == "--mean")
        {
            list.AddRange(["--std", "1"]);
        }
        else if (option == "--std")
        {
            list.AddRange(["--mean", "0"]);
        }

        return [.. list];
    }
}
