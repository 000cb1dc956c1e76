using System.CommandLine;
using Gauntlet.Core;
using Gauntlet.Defenses.Training;
using Gauntlet.Models;

namespace Gauntlet.Cli.Commands;

/// <summary>
/// <c>gauntlet train --defense pgd-at|trades|fast-at|gaussian --eps --sigma --beta</c>: the
/// robust-training options of <see cref="TrainCommand"/>, kept in one place (Gauntlet.Defenses.Training).
/// </summary>
internal sealed class TrainDefenseOptions
{
    private TrainDefenseOptions()
    {
        Defense = new Option<string?>("--defense")
        {
            Description = "Robust training (docs/defenses.md): pgd-at (Madry et al., L∞ PGD from a random start), trades (Zhang et al., β·KL), fast-at (Wong et al., FGSM from a random start, α = 1.25·ε) or gaussian (Gaussian-noise augmentation σ, for randomized smoothing). Not with --adversarial.",
        };
        Defense.AcceptOnlyFromAmong([.. RobustTraining.Methods]);
        Epsilon = NumericOption.Float("--eps", "L∞ budget ε of pgd-at, trades and fast-at (needs --defense).", 0.1f, RealRange.Positive(1));
        Sigma = NumericOption.Float("--sigma", "Noise standard deviation σ of --defense gaussian.", 0.25f, RealRange.Positive(10));
        Beta = NumericOption.Float("--beta", "Weight β of TRADES's KL term (--defense trades).", 6f, RealRange.Positive(1000));
        Steps = NumericOption.Int("--defense-steps", "Inner attack steps of pgd-at and trades (step size 2.5·ε/steps).", 7, min: 1, limit: RunLimits.MaxSteps);
    }

    public Option<string?> Defense { get; }

    public Option<float> Epsilon { get; }

    public Option<float> Sigma { get; }

    public Option<float> Beta { get; }

    public Option<int> Steps { get; }

    /// <summary>Adds the options to <paramref name="command"/>; the numbers only with --defense, and --defense not with <paramref name="adversarial"/>.</summary>
    public static TrainDefenseOptions AddTo(Command command, Option adversarial)
    {
        var o = new TrainDefenseOptions();
        foreach (var option in new Option[] { o.Defense, o.Epsilon, o.Sigma, o.Beta, o.Steps })
        {
            command.Options.Add(option);
        }

        NumericOption.RequireWith(command, o.Defense, o.Epsilon, o.Sigma, o.Beta, o.Steps);
        command.Validators.Add(result =>
        {
            if (result.GetResult(o.Defense) is { Implicit: false } && result.GetResult(adversarial) is { Implicit: false })
            {
                result.AddError($"--defense and {adversarial.Name} both choose how to train; give one.");
            }
        });
        return o;
    }

    /// <summary>The plan for <paramref name="options"/>, or null without --defense.</summary>
    public RobustTrainingPlan? Plan(ParseResult parse, TrainingOptions options)
    {
        if (parse.GetValue(Defense) is not { } method)
        {
            return null;
        }

        try
        {
            return RobustTraining.Plan(method, options, new RobustTrainingSettings(parse.GetValue(Epsilon), parse.GetValue(Sigma), parse.GetValue(Beta), parse.GetValue(Steps)));
        }
        catch (ArgumentException ex)
        {
            throw new UserInputException($"--defense {method}: {ex.Message}");
        }
    }

    /// <summary>One line for the console: the method, its citation and the settings it uses.</summary>
    public static string Describe(RobustTrainingPlan plan)
    {
        static string F(float v) => v.ToString("G3", System.Globalization.CultureInfo.InvariantCulture);
        var parts = new List<string>();
        if (plan.Epsilon is { } e)
        {
            parts.Add($"ε {F(e)}");
        }

        if (plan.Steps is { } n && plan.StepSize is { } a)
        {
            parts.Add($"{n} steps of {F(a)}");
        }

        if (plan.Beta is { } b)
        {
            parts.Add($"β {F(b)}");
        }

        if (plan.Sigma is { } s)
        {
            parts.Add($"σ {F(s)}");
        }

        return $"{plan.Method} ({plan.Citation}), {string.Join(", ", parts)}";
    }

    /// <summary>What the training log records of the plan.</summary>
    public static object Log(RobustTrainingPlan plan) => new
    {
        method = plan.Method,
        epsilon = plan.Epsilon,
        sigma = plan.Sigma,
        beta = plan.Beta,
        steps = plan.Steps,
        step_size = plan.StepSize,
        citation = plan.Citation,
        generated_in = plan.Epsilon is null ? null : "eval mode",
    };
}
