using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Privacy.Extraction;

/// <summary>What the attacker reads from each answer.</summary>
public enum ExtractionMode
{
    /// <summary>The answered label (argmax) only; the copy is trained with cross-entropy on it.</summary>
    Labels,

    /// <summary>The answered probability vector; the copy is trained to match it (KL divergence).</summary>
    Probabilities,
}

/// <summary>Settings of <see cref="KnockoffExtraction.Run"/>.</summary>
/// <param name="Budget">Queries the attacker may send (at least 1, at most the surrogate set's size).</param>
/// <param name="Architecture">The copy's <see cref="ModelZoo"/> architecture.</param>
/// <param name="Mode">Labels or probabilities.</param>
/// <param name="Training">How the copy is trained (its seed is replaced by <paramref name="Seed"/>).</param>
/// <param name="Seed">Seed of the query choice, the copy's initialisation and its shuffling.</param>
/// <param name="BatchSize">Batch size of the queries and the evaluation.</param>
public sealed record ExtractionOptions(
    int Budget,
    string Architecture = "cnn-small",
    ExtractionMode Mode = ExtractionMode.Labels,
    TrainingOptions? Training = null,
    int Seed = 0,
    int BatchSize = 256);

/// <summary>A stolen copy and how close it came.</summary>
/// <param name="Copy">The trained copy.</param>
/// <param name="Classifier">The copy wrapped as a classifier over the victim's input domain.</param>
/// <param name="QueriesUsed">Samples sent to the victim's API.</param>
/// <param name="Fidelity">Share of held-out images on which the copy's label equals the victim model's.</param>
/// <param name="CopyAccuracy">The copy's accuracy on the held-out images' true labels.</param>
/// <param name="VictimAccuracy">The victim model's accuracy on the same images.</param>
/// <param name="ApiAccuracy">The accuracy of the labels the API answers on them (lower than <paramref name="VictimAccuracy"/> when a defence costs accuracy).</param>
/// <param name="HeldOut">Held-out images scored.</param>
/// <param name="ClassesAnswered">Distinct labels among the victim's answers.</param>
public sealed record ExtractionResult(
    Sequential Copy,
    ModuleClassifier Classifier,
    int QueriesUsed,
    double Fidelity,
    double CopyAccuracy,
    double VictimAccuracy,
    double ApiAccuracy,
    int HeldOut,
    int ClassesAnswered);

/// <summary>
/// Model extraction in the style of Knockoff Nets (Orekondy et al. 2019) and Copycat CNN
/// (Correia-Silva et al. 2018): the attacker sends natural images from a surrogate set of its own
/// (the "random" sampling policy: a seeded draw without replacement of <c>Budget</c> images) to
/// the victim's black-box API (<see cref="QueryOracle"/>), and trains a copy of its chosen
/// architecture on the answers — labels with cross-entropy, or probabilities with KL divergence.
/// </summary>
/// <remarks>
/// Fidelity (Jagielski et al. 2020's term) is the label agreement of copy and victim on
/// held-out images the attacker never sent; the copy's accuracy is against their true labels.
/// The victim's answers on the held-out set are the auditor's measurement, not counted as queries.
/// </remarks>
public static class KnockoffExtraction
{
    /// <summary>Steals a copy of the model behind <paramref name="api"/>.</summary>
    /// <param name="api">The API under attack (a model, or an <see cref="ApiDefenses.OutputDefense"/> in front of one).</param>
    /// <param name="surrogate">The attacker's images; their labels are never read.</param>
    /// <param name="heldOut">Images for fidelity and accuracy, none of them sent as queries.</param>
    /// <param name="options">Budget, architecture, mode, training, seed.</param>
    /// <param name="victim">The model behind the API, for fidelity and its accuracy; null when the API is the model itself.</param>
    /// <param name="cancellationToken">Stops between training batches.</param>
    /// <exception cref="ArgumentException">A budget below 1 or above the surrogate set, images of another shape than the victim's, an empty held-out set, or answers of a single class (nothing to learn from).</exception>
    public static ExtractionResult Run(IClassifier api, LabeledImages surrogate, LabeledImages heldOut, ExtractionOptions options, IClassifier? victim = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(api);
        victim ??= api;
        ArgumentNullException.ThrowIfNull(surrogate);
        ArgumentNullException.ThrowIfNull(heldOut);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Budget < 1 || options.Budget > surrogate.Count)
        {
            throw new ArgumentException($"the query budget must lie between 1 and the {surrogate.Count} images of the query data; got {options.Budget}.", nameof(options));
        }

        var shape = victim.SampleShape.ToArray();
        foreach (var set in new[] { surrogate, heldOut })
        {
            if (!set.Images.Shape.Dims[1..].ToArray().SequenceEqual(shape))
            {
                throw new ArgumentException($"{set.Source}: images are [{string.Join(", ", set.Images.Shape.Dims[1..].ToArray())}] but the victim takes [{string.Join(", ", shape)}].", nameof(surrogate));
            }
        }

        if (heldOut.Count == 0)
        {
            throw new ArgumentException("extraction needs held-out images to measure fidelity on; got none.", nameof(heldOut));
        }

        var k = victim.ClassCount;
        var queries = ChooseQueries(surrogate, options.Budget, options.Seed);
        var oracle = new QueryOracle(api, options.Budget);
        var probabilities = new float[queries.Count * k];
        var labels = new int[queries.Count];
        var row = 0;
        foreach (var (x, _) in queries.Batches(options.BatchSize))
        {
            var answer = oracle.Query(x);
            for (var i = 0; i < x.Dim(0); i++, row++)
            {
                labels[row] = Softmax(answer.ReadOnlySpan.Slice(i * k, k), probabilities.AsSpan(row * k, k));
            }
        }

        var classes = labels.Distinct().Count();
        if (classes < 2)
        {
            throw new ArgumentException($"the victim answered class {labels[0]} to all {labels.Length} queries: a copy needs answers of at least two classes to learn from (use more varied query data).", nameof(surrogate));
        }

        var training = (options.Training ?? new TrainingOptions(Epochs: 10, BatchSize: 64, LearningRate: 2e-3f)) with { Seed = options.Seed };
        var copy = ModelZoo.Create(options.Architecture, shape[0], shape[1], shape[2], k, options.Seed);
        if (options.Mode == ExtractionMode.Labels)
        {
            Trainer.Fit(copy, new LabeledImages(queries.Images, labels, k, "the victim's answers"), null, training, cancellationToken: cancellationToken);
        }
        else
        {
            SoftLabelTraining.Fit(copy, queries.Images, probabilities, k, training, cancellationToken);
        }

        var classifier = new ModuleClassifier(copy, victim.SampleShape, k, victim.InputRange);
        var victimLabels = Labels(victim, heldOut, options.BatchSize);
        var apiLabels = ReferenceEquals(api, victim) ? victimLabels : Labels(api, heldOut, options.BatchSize);
        var copyLabels = Labels(classifier, heldOut, options.BatchSize);
        var apiRight = 0;
        var agree = 0;
        var copyRight = 0;
        var victimRight = 0;
        for (var i = 0; i < heldOut.Count; i++)
        {
            agree += victimLabels[i] == copyLabels[i] ? 1 : 0;
            copyRight += copyLabels[i] == heldOut.Labels[i] ? 1 : 0;
            victimRight += victimLabels[i] == heldOut.Labels[i] ? 1 : 0;
            apiRight += apiLabels[i] == heldOut.Labels[i] ? 1 : 0;
        }

        double n = heldOut.Count;
        return new ExtractionResult(copy, classifier, oracle.Used, agree / n, copyRight / n, victimRight / n, apiRight / n, heldOut.Count, classes);
    }

    /// <summary>
    /// The queries <see cref="Run"/> sends, in the order it sends them: the first
    /// <paramref name="budget"/> images of a seeded random permutation of the surrogate set.
    /// </summary>
    public static LabeledImages ChooseQueries(LabeledImages surrogate, int budget, int seed)
    {
        ArgumentNullException.ThrowIfNull(surrogate);
        return surrogate.Select([.. new Rng(seed).Permutation(surrogate.Count).Take(budget)]);
    }

    /// <summary>The predicted label (argmax, first on ties) of every image.</summary>
    internal static int[] Labels(IClassifier model, LabeledImages data, int batchSize)
    {
        var result = new int[data.Count];
        var i = 0;
        foreach (var (x, _) in data.Batches(batchSize))
        {
            foreach (var label in Ops.ArgMax(model.Predict(x), 1))
            {
                result[i++] = label;
            }
        }

        return result;
    }

    // Softmax of one row of logits into `p`; returns the argmax (first on ties).
    private static int Softmax(ReadOnlySpan<float> z, Span<float> p)
    {
        var best = 0;
        for (var j = 1; j < z.Length; j++)
        {
            if (z[j] > z[best])
            {
                best = j;
            }
        }

        double sum = 0;
        for (var j = 0; j < z.Length; j++)
        {
            sum += Math.Exp(z[j] - z[best]);
        }

        for (var j = 0; j < z.Length; j++)
        {
            p[j] = (float)(Math.Exp(z[j] - z[best]) / sum);
        }

        return best;
    }
}
