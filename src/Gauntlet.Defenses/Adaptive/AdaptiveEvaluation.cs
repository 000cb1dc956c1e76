using System.Diagnostics;
using Gauntlet.Attacks;
using Gauntlet.Attacks.Registry;
using Gauntlet.Defenses.InputTransforms;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Defenses.Adaptive;

/// <summary>Settings of <see cref="AdaptiveEvaluation"/>.</summary>
/// <param name="Epsilons">Budgets to attack at.</param>
/// <param name="Norm">The threat's norm.</param>
/// <param name="Attacks">Registered white-box attacks, run in order, each only on points still robust (default pgd, then apgd-ce).</param>
/// <param name="Steps">Iterations of each attack.</param>
/// <param name="EotSamples">Draws per gradient for randomised defenses.</param>
/// <param name="BatchSize">Samples per attack batch.</param>
/// <param name="Seed">Seed of the attacks and the defense's randomness.</param>
public sealed record AdaptiveEvaluationOptions(
    IReadOnlyList<float> Epsilons,
    Norm Norm = Norm.Linf,
    IReadOnlyList<string>? Attacks = null,
    int Steps = 20,
    int EotSamples = 8,
    int BatchSize = 100,
    int Seed = 0)
{
    /// <summary>The attacks run when none are named.</summary>
    public static IReadOnlyList<string> DefaultAttacks { get; } = ["pgd", "apgd-ce"];
}

/// <summary>
/// Evaluates an input defense honestly: for each budget, the registry's white-box attacks are run
/// against the undefended model, against the defended model plainly (differentiating through the
/// defense, which masks gradients for quantisers), and adaptively (BPDA, with EOT for randomised
/// defenses), each attack only on points the earlier ones failed on. The adversarial points are
/// judged by the defended model. The reported robust accuracy is the per-sample worst case of plain
/// and adaptive, so a report never credits a defense with what a better attack takes away.
/// </summary>
public static class AdaptiveEvaluation
{
    /// <summary>Runs the evaluation on <paramref name="x"/> and <paramref name="labels"/>.</summary>
    /// <exception cref="ArgumentException">No budgets, a budget that is not positive, an unknown attack, or one that is not white-box.</exception>
    public static InputDefenseEvaluation Evaluate(IClassifier model, IInputTransform transform, Tensor x, int[] labels, AdaptiveEvaluationOptions options, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Epsilons.Count == 0 || options.Epsilons.Any(e => !(e > 0f) || !float.IsFinite(e)))
        {
            throw new ArgumentException($"adaptive evaluation: budgets {string.Join(", ", options.Epsilons)}; expected at least one positive, finite ε.", nameof(options));
        }

        var attackNames = options.Attacks ?? AdaptiveEvaluationOptions.DefaultAttacks;
        foreach (var name in attackNames)
        {
            if (AttackRegistry.Find(name).Kind != AttackKind.WhiteBox)
            {
                throw new ArgumentException($"adaptive evaluation: {name} is not a white-box attack; BPDA and EOT shape gradients.", nameof(options));
            }
        }

        var clock = Stopwatch.StartNew();
        var plain = new DefendedClassifier(model, transform, DefenseGradient.Plain, 1, options.Seed);
        var adaptive = new DefendedClassifier(model, transform, DefenseGradient.Bpda, options.EotSamples, options.Seed + 1);
        var judge = new DefendedClassifier(model, transform, DefenseGradient.Plain, 1, options.Seed + 2);

        var undefendedClock = Stopwatch.StartNew();
        var cleanUndefended = Correct(model, x, labels, options.BatchSize);
        var undefendedSeconds = undefendedClock.Elapsed.TotalSeconds;
        var defendedClock = Stopwatch.StartNew();
        var cleanDefended = Correct(judge, x, labels, options.BatchSize);
        var defendedSeconds = defendedClock.Elapsed.TotalSeconds;

        var threats = new List<ThreatResult>();
        foreach (var epsilon in options.Epsilons)
        {
            var attacks = attackNames.Select(n => AttackRegistry.Find(n).Create(new AttackSettings { Norm = options.Norm, Epsilon = epsilon, Steps = options.Steps })).ToArray();
            var sequence = new AttackSequence("defense-evaluation", attacks);
            progress?.Report($"{transform.Name} ε {epsilon}: undefended");
            var undefended = Robust(sequence, model, model, x, labels, cleanUndefended, options);
            progress?.Report($"{transform.Name} ε {epsilon}: plain");
            var plainRobust = Robust(sequence, plain, judge, x, labels, cleanDefended, options);
            progress?.Report($"{transform.Name} ε {epsilon}: adaptive (BPDA{(adaptive.EotSamples > 1 ? $" + EOT×{adaptive.EotSamples}" : "")})");
            var adaptiveRobust = Robust(sequence, adaptive, judge, x, labels, cleanDefended, options);
            var reported = plainRobust.Zip(adaptiveRobust, (p, a) => p && a).ToArray();
            threats.Add(new ThreatResult(options.Norm == Norm.Linf ? "linf" : "l2", epsilon, Fraction(undefended), Fraction(plainRobust), Fraction(adaptiveRobust), Fraction(reported)));
        }

        return new InputDefenseEvaluation(
            transform.Name,
            transform.Settings,
            transform.IsRandomized,
            transform.IsDifferentiable,
            adaptive.EotSamples,
            Fraction(cleanUndefended),
            Fraction(cleanDefended),
            undefendedSeconds > 0 ? defendedSeconds / undefendedSeconds : 1,
            threats,
            [.. attackNames.Select(n => AttackRegistry.Find(n).Name)],
            clock.Elapsed.TotalSeconds);
    }

    /// <summary>Which samples <paramref name="classifier"/> classifies correctly.</summary>
    public static bool[] Correct(IClassifier classifier, Tensor x, int[] labels, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(x);
        var n = x.Dim(0);
        var correct = new bool[n];
        for (var start = 0; start < n; start += batchSize)
        {
            var count = Math.Min(batchSize, n - start);
            var predictions = Ops.ArgMax(classifier.Predict(Ops.Slice(x, 0, start, start + count)), 1);
            for (var i = 0; i < count; i++)
            {
                correct[start + i] = predictions[i] == labels[start + i];
            }
        }

        return correct;
    }

    /// <summary>The share of true values.</summary>
    public static double Fraction(bool[] values) => values.Length == 0 ? 0 : (double)values.Count(v => v) / values.Length;

    /// <summary>
    /// Which samples stay correct: robust where <paramref name="cleanCorrect"/> holds and
    /// <paramref name="judge"/> still classifies the point <paramref name="sequence"/> found against
    /// <paramref name="attacked"/> correctly.
    /// </summary>
    public static bool[] Robust(AttackSequence sequence, IClassifier attacked, IClassifier judge, Tensor x, int[] labels, bool[] cleanCorrect, AdaptiveEvaluationOptions options)
    {
        var n = x.Dim(0);
        var robust = (bool[])cleanCorrect.Clone();
        for (var start = 0; start < n; start += options.BatchSize)
        {
            var count = Math.Min(options.BatchSize, n - start);
            var batch = Ops.Slice(x, 0, start, start + count);
            var batchLabels = labels[start..(start + count)];
            var result = sequence.Run(attacked, batch, AttackGoal.Untargeted(batchLabels), options.Seed + start);
            var judged = Ops.ArgMax(judge.Predict(result.Adversarial), 1);
            for (var i = 0; i < count; i++)
            {
                robust[start + i] &= judged[i] == batchLabels[i];
            }
        }

        return robust;
    }
}
