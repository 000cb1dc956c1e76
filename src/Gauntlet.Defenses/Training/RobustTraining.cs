using Gauntlet.Attacks;
using Gauntlet.Attacks.Registry;
using Gauntlet.Attacks.Training;
using Gauntlet.Models;

namespace Gauntlet.Defenses.Training;

/// <summary>The settings a robust-training method reads; each method ignores those it does not use.</summary>
/// <param name="Epsilon">L∞ budget ε of the training attack (pgd-at, trades, fast-at).</param>
/// <param name="Sigma">Noise standard deviation σ (gaussian).</param>
/// <param name="Beta">Weight β of TRADES's KL term.</param>
/// <param name="Steps">Iterations of the inner attack (pgd-at, trades).</param>
/// <param name="StepSize">Inner step size, or null for each method's default (2.5·ε/steps; fast-at 1.25·ε).</param>
public sealed record RobustTrainingSettings(float Epsilon = 0.1f, float Sigma = 0.25f, float Beta = 6f, int Steps = 7, float? StepSize = null);

/// <summary>
/// What one method made of <see cref="RobustTrainingSettings"/>: the training options to run and the
/// settings it actually used (null where it reads none), for the training log.
/// </summary>
/// <param name="Method">The method's name.</param>
/// <param name="Options">The training options with the perturbation or objective set.</param>
/// <param name="Epsilon">ε used, or null.</param>
/// <param name="Sigma">σ used, or null.</param>
/// <param name="Beta">β used, or null.</param>
/// <param name="Steps">Inner steps used, or null.</param>
/// <param name="StepSize">Inner step size used, or null.</param>
/// <param name="Citation">Where the method comes from.</param>
public sealed record RobustTrainingPlan(string Method, TrainingOptions Options, float? Epsilon, float? Sigma, float? Beta, int? Steps, float? StepSize, string Citation);

/// <summary>
/// The robust-training defenses, all through <see cref="Trainer.Fit"/>'s hooks: PGD adversarial
/// training (Madry et al. 2018; L∞ PGD from a uniform random start, through the attack registry),
/// TRADES (Zhang et al. 2019; <see cref="Trades"/>), fast FGSM training with a random start (Wong
/// et al. 2020: one signed step of 1.25·ε from a uniform point of the ball, which is the registry's
/// PGD with one step), and Gaussian-noise augmentation (Cohen et al. 2019; <see cref="GaussianNoiseAugmentation"/>).
/// </summary>
public static class RobustTraining
{
    /// <summary>The method names <see cref="Plan"/> accepts.</summary>
    public static IReadOnlyList<string> Methods { get; } = ["pgd-at", "trades", "fast-at", "gaussian"];

    /// <summary>Sets the perturbation or objective of <paramref name="method"/> on <paramref name="options"/>.</summary>
    /// <param name="method">One of <see cref="Methods"/>.</param>
    /// <param name="options">The standard training options (epochs, batch, learning rate, seed).</param>
    /// <param name="settings">ε, σ, β, steps, step size.</param>
    /// <exception cref="ArgumentException">The method is unknown or a setting it reads is out of range.</exception>
    public static RobustTrainingPlan Plan(string method, TrainingOptions options, RobustTrainingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        var s = settings;
        if (method is "pgd-at" or "trades" or "fast-at" && !(s.Epsilon > 0f && s.Epsilon <= 1f))
        {
            throw new ArgumentException($"{method}: ε {s.Epsilon}; expected a budget in (0, 1].", nameof(settings));
        }

        if (method is "pgd-at" or "trades" && s.Steps < 1)
        {
            throw new ArgumentException($"{method}: {s.Steps} steps; expected at least 1.", nameof(settings));
        }

        try
        {
            switch (method)
            {
                case "pgd-at":
                {
                    var stepSize = s.StepSize ?? 2.5f * s.Epsilon / s.Steps;
                    var attack = AttackPerturbation.FromRegistry("pgd", new AttackSettings { Norm = Norm.Linf, Epsilon = s.Epsilon, Steps = s.Steps, StepSize = stepSize });
                    return new(method, options with { Adversarial = new AdversarialTraining(attack) }, s.Epsilon, null, null, s.Steps, stepSize, "Madry et al. 2018");
                }

                case "fast-at":
                {
                    // Wong et al.'s α = 1.25·ε from a uniform start; the registry's PGD with one step does exactly that.
                    var stepSize = s.StepSize ?? 1.25f * s.Epsilon;
                    var attack = AttackPerturbation.FromRegistry("pgd", new AttackSettings { Norm = Norm.Linf, Epsilon = s.Epsilon, Steps = 1, StepSize = stepSize, RandomStart = true });
                    return new(method, options with { Adversarial = new AdversarialTraining(attack) }, s.Epsilon, null, null, 1, stepSize, "Wong et al. 2020");
                }

                case "trades":
                {
                    var trades = new Trades(s.Epsilon, s.Beta, s.Steps, s.StepSize);
                    return new(method, options with { Objective = trades }, s.Epsilon, null, s.Beta, s.Steps, trades.StepSize, "Zhang et al. 2019");
                }

                case "gaussian":
                    return new(method, options with { Adversarial = new AdversarialTraining(new GaussianNoiseAugmentation(s.Sigma)) }, null, s.Sigma, null, null, null, "Cohen et al. 2019");
                default:
                    throw new ArgumentException($"unknown robust-training method '{method}'; expected one of {string.Join(", ", Methods)}.", nameof(method));
            }
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new ArgumentException($"{method}: {ex.Message}", nameof(settings), ex);
        }
    }
}
