using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Privacy.Membership;

/// <summary>Settings for <see cref="ShadowModelAttack.Run"/>.</summary>
/// <param name="ShadowCount">K shadow models (at least 1).</param>
/// <param name="Architecture">The <see cref="ModelZoo"/> architecture of the shadow models.</param>
/// <param name="Training">How each shadow model is trained (its seed is replaced per model).</param>
/// <param name="Seed">Seed of the splits and of every shadow model.</param>
public sealed record ShadowAttackOptions(
    int ShadowCount = 4,
    string Architecture = "mlp",
    TrainingOptions? Training = null,
    int Seed = 0);

/// <summary>
/// The shadow-model attack of Shokri et al. (2017, "Membership Inference Attacks Against Machine
/// Learning Models"). Each of K shadow models is trained by Gauntlet's <see cref="Trainer"/> on a
/// random half of the shadow data (its IN half) and never sees the other (OUT) half; its outputs
/// on both halves, labelled IN/OUT, train one attack model per true class, which then scores the
/// target's outputs on the candidates.
/// </summary>
/// <remarks>
/// <para>Features: the log-probability of the true class (Shokri's per-class models see it at its
/// index), followed by the probability vector sorted in decreasing order (as in Salem et al.
/// 2019), all as logs floored at <c>log 10⁻³⁰</c> (the logs spread the near-1 confidences members
/// get). Attack model: a logistic regression
/// (<see cref="LogisticRegression"/>) per class; a class whose shadow records are all IN or all
/// OUT, or fewer than 10, falls back to one model fitted on every class.</para>
/// <para>Score: the attack model's probability that the candidate is a member.</para>
/// </remarks>
public static class ShadowModelAttack
{
    /// <summary>The attack's name.</summary>
    public const string Name = "shadow";

    private const int MinPerClass = 10;

    // log 10⁻³⁰: the floor of every log-probability feature.
    private const double LogFloor = -69.0776;

    /// <summary>Trains the shadow and attack models and scores the candidates.</summary>
    /// <param name="target">The model under attack.</param>
    /// <param name="data">The candidates.</param>
    /// <param name="shadowData">Data from the target's distribution (at least 2 images of at least 2 classes), disjoint from its training set as far as the attacker knows.</param>
    /// <param name="options">Shadow count, architecture, training, seed.</param>
    /// <param name="batchSize">Batch size for queries.</param>
    /// <param name="cancellationToken">Stops between shadow models' batches.</param>
    /// <exception cref="ArgumentException">No shadow models, too little shadow data, a single class in it, or shadow data of another shape or class count than the candidates.</exception>
    public static MembershipResult Run(IClassifier target, MembershipData data, LabeledImages shadowData, ShadowAttackOptions options, int batchSize = 256, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shadowData);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ShadowCount < 1)
        {
            throw new ArgumentException($"the shadow-model attack needs at least 1 shadow model; got {options.ShadowCount}.", nameof(options));
        }

        var shape = data.Members.Images.Shape.Dims[1..].ToArray();
        if (!shadowData.Images.Shape.Dims[1..].ToArray().SequenceEqual(shape) || shadowData.ClassCount != data.Members.ClassCount)
        {
            throw new ArgumentException($"shadow data are images of shape [{string.Join(", ", shadowData.Images.Shape.Dims[1..].ToArray())}] with {shadowData.ClassCount} classes; the candidates are [{string.Join(", ", shape)}] with {data.Members.ClassCount}.", nameof(shadowData));
        }

        if (shadowData.Count < 4 || shadowData.Labels.Distinct().Count() < 2)
        {
            throw new ArgumentException($"shadow data: {shadowData.Count} images of {shadowData.Labels.Distinct().Count()} class(es); shadow models need at least 4 images of at least 2 classes.", nameof(shadowData));
        }

        var classes = data.Members.ClassCount;
        var training = options.Training ?? new TrainingOptions();
        var features = new List<double[]>();
        var inside = new List<bool>();
        var labels = new List<int>();
        var rng = new Rng(options.Seed);
        for (var m = 0; m < options.ShadowCount; m++)
        {
            var order = rng.Permutation(shadowData.Count);
            var half = shadowData.Count / 2;
            var inSet = shadowData.Select(order[..half]);
            var outSet = shadowData.Select(order[half..]);
            var modelSeed = options.Seed + 1 + m;
            var network = ModelZoo.Create(options.Architecture, shape[0], shape[1], shape[2], classes, modelSeed);
            Trainer.Fit(network, inSet, null, training with { Seed = modelSeed }, cancellationToken: cancellationToken);
            var shadow = new ModuleClassifier(network, new Shape(shape), classes);
            foreach (var (set, member) in new[] { (inSet, true), (outSet, false) })
            {
                features.AddRange(Features(shadow, set, batchSize));
                inside.AddRange(Enumerable.Repeat(member, set.Count));
                labels.AddRange(set.Labels);
            }
        }

        var global = LogisticRegression.Fit(features, inside);
        var perClass = new LogisticRegression[classes];
        for (var c = 0; c < classes; c++)
        {
            var rows = Enumerable.Range(0, labels.Count).Where(i => labels[i] == c).ToArray();
            var both = rows.Any(i => inside[i]) && rows.Any(i => !inside[i]);
            perClass[c] = rows.Length >= MinPerClass && both ? LogisticRegression.Fit([.. rows.Select(i => features[i])], [.. rows.Select(i => inside[i])]) : global;
        }

        double[] Score(LabeledImages set) =>
            [.. Features(target, set, batchSize).Select((f, i) => perClass[set.Labels[i]].Probability(f))];

        var parameters = new Dictionary<string, object>
        {
            ["shadows"] = options.ShadowCount,
            ["architecture"] = options.Architecture,
            ["epochs"] = training.Epochs,
            ["learning_rate"] = training.LearningRate,
            ["batch_size"] = training.BatchSize,
            ["shadow_data"] = shadowData.Count,
            ["attack_model"] = "logistic regression per class on the true class's and the sorted log-probabilities",
            ["seed"] = options.Seed,
        };
        return new MembershipResult(Name, parameters, Score(data.Members), Score(data.NonMembers));
    }

    // The true class's log-probability, then the sorted (decreasing) log-probabilities of each image, from the logits in double precision.
    private static IEnumerable<double[]> Features(IClassifier model, LabeledImages set, int batchSize)
    {
        var k = model.ClassCount;
        foreach (var (x, y) in set.Batches(batchSize))
        {
            var logits = model.Predict(x).ToArray();
            for (var row = 0; row < y.Length; row++)
            {
                var z = new double[k];
                for (var j = 0; j < k; j++)
                {
                    z[j] = logits[(row * k) + j];
                }

                var max = z.Max();
                var lse = max + Math.Log(z.Sum(v => Math.Exp(v - max)));
                var logs = z.Select(v => Math.Max(v - lse, LogFloor)).ToArray();
                yield return [logs[y[row]], .. logs.OrderDescending()];
            }
        }
    }
}
