using Gauntlet.Attacks;
using Gauntlet.Attacks.Registry;
using Gauntlet.Defenses.Adaptive;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Defenses.Training;

/// <summary>Robust accuracy before and after robust training at one budget.</summary>
/// <param name="Norm">The threat's norm.</param>
/// <param name="Epsilon">The budget ε.</param>
/// <param name="Before">Robust accuracy of the original model.</param>
/// <param name="After">Robust accuracy of the robustly trained model.</param>
public sealed record TrainingThreatResult(string Norm, float Epsilon, double Before, double After)
{
    /// <summary>After − before.</summary>
    public double Gain => After - Before;
}

/// <summary>What <see cref="RobustTrainingEvaluation.Evaluate"/> measured.</summary>
/// <param name="Method">The training method (from the defended model's training log), or null if unknown.</param>
/// <param name="CleanBefore">Clean accuracy of the original model.</param>
/// <param name="CleanAfter">Clean accuracy of the trained model.</param>
/// <param name="Threats">Robust accuracy per budget.</param>
/// <param name="Attacks">The attacks run, in order.</param>
public sealed record RobustTrainingEvaluationResult(string? Method, double CleanBefore, double CleanAfter, IReadOnlyList<TrainingThreatResult> Threats, IReadOnlyList<string> Attacks);

/// <summary>
/// Compares a model with its robustly trained counterpart on the same samples and attacks. Both
/// are plain differentiable networks, so the white-box attacks need no BPDA; gradient masking by
/// training is what the audit's masking checks look for (<c>gauntlet audit</c> on the trained model).
/// </summary>
public static class RobustTrainingEvaluation
{
    /// <summary>Attacks both models at every budget of <paramref name="options"/> (EOT settings unused).</summary>
    /// <exception cref="ArgumentException">No budgets or a budget that is not positive.</exception>
    public static RobustTrainingEvaluationResult Evaluate(IClassifier before, IClassifier after, string? method, Tensor x, int[] labels, AdaptiveEvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Epsilons.Count == 0 || options.Epsilons.Any(e => !(e > 0f) || !float.IsFinite(e)))
        {
            throw new ArgumentException($"robust-training evaluation: budgets {string.Join(", ", options.Epsilons)}; expected at least one positive, finite ε.", nameof(options));
        }

        var names = options.Attacks ?? AdaptiveEvaluationOptions.DefaultAttacks;
        var cleanBefore = AdaptiveEvaluation.Correct(before, x, labels, options.BatchSize);
        var cleanAfter = AdaptiveEvaluation.Correct(after, x, labels, options.BatchSize);
        var threats = new List<TrainingThreatResult>();
        foreach (var epsilon in options.Epsilons)
        {
            var sequence = new AttackSequence("training-evaluation", [.. names.Select(n => AttackRegistry.Find(n).Create(new AttackSettings { Norm = options.Norm, Epsilon = epsilon, Steps = options.Steps }))]);
            var robustBefore = AdaptiveEvaluation.Robust(sequence, before, before, x, labels, cleanBefore, options);
            var robustAfter = AdaptiveEvaluation.Robust(sequence, after, after, x, labels, cleanAfter, options);
            threats.Add(new TrainingThreatResult(options.Norm == Norm.Linf ? "linf" : "l2", epsilon, AdaptiveEvaluation.Fraction(robustBefore), AdaptiveEvaluation.Fraction(robustAfter)));
        }

        return new RobustTrainingEvaluationResult(method, AdaptiveEvaluation.Fraction(cleanBefore), AdaptiveEvaluation.Fraction(cleanAfter), threats, [.. names.Select(n => AttackRegistry.Find(n).Name)]);
    }
}
