using System.Diagnostics;
using Gauntlet.Data;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Nn;
using Gauntlet.Tensors.Optim;

namespace Gauntlet.Models;

/// <summary>Settings for <see cref="Trainer.Fit"/>.</summary>
/// <param name="Epochs">Passes over the training data.</param>
/// <param name="BatchSize">Samples per optimizer step.</param>
/// <param name="LearningRate">Initial learning rate.</param>
/// <param name="Seed">Seed for shuffling (the model's initialisation has its own seed).</param>
/// <param name="Optimizer">"adam", "adamw" or "sgd" (momentum 0.9).</param>
/// <param name="CosineSchedule">Anneal the learning rate over the epochs.</param>
/// <param name="Adversarial">Adversarial training settings, or null for standard training.</param>
/// <param name="Objective">A loss that replaces cross-entropy (TRADES), or null; not combined with <paramref name="Adversarial"/>.</param>
/// <param name="SampleWeights">One non-negative weight per training sample (e.g. fairness reweighing), or null for equal weights; each batch's loss is then Σ wᵢ·ℓᵢ / batch size. Not combined with <paramref name="Objective"/>.</param>
public sealed record TrainingOptions(
    int Epochs = 2,
    int BatchSize = 64,
    float LearningRate = 1e-3f,
    int Seed = 0,
    string Optimizer = "adam",
    bool CosineSchedule = true,
    AdversarialTraining? Adversarial = null,
    ITrainingObjective? Objective = null,
    float[]? SampleWeights = null);

/// <summary>
/// Adversarial training: before each optimizer step, the first <c>round(Fraction·N)</c> samples of
/// the batch (at least one) are replaced by what <see cref="Perturbation"/> makes of them against
/// the current model. The model is put in evaluation mode while they are generated (batch-norm
/// statistics frozen and not updated by the attack's forward passes, no dropout), then goes back to
/// training mode for the update.
/// </summary>
/// <param name="Perturbation">What replaces the clean samples, e.g. a registered attack wrapped by <c>Gauntlet.Attacks.Training.AttackPerturbation</c>.</param>
/// <param name="Fraction">Share of each batch replaced (1 = every sample adversarial, Madry's recipe; 0.5 = half clean, half adversarial).</param>
public sealed record AdversarialTraining(ITrainingPerturbation Perturbation, float Fraction = 1f);

/// <summary>One epoch's figures.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean cross-entropy over the epoch's batches.</param>
/// <param name="TrainAccuracy">Accuracy on the training batches as they were seen (adversarial ones, under adversarial training).</param>
/// <param name="ValidationAccuracy">Accuracy on the validation set after the epoch, or null without one.</param>
/// <param name="LearningRate">The learning rate used during the epoch.</param>
/// <param name="Seconds">Wall time of the epoch.</param>
public sealed record EpochResult(int Epoch, double TrainLoss, double TrainAccuracy, double? ValidationAccuracy, float LearningRate, double Seconds);

/// <summary>Progress of a running epoch, reported after every batch.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="SamplesDone">Samples processed so far in the epoch.</param>
/// <param name="SamplesTotal">Samples in the epoch.</param>
/// <param name="RunningLoss">Mean loss so far in the epoch.</param>
/// <param name="RunningAccuracy">Accuracy so far in the epoch.</param>
public readonly record struct TrainingProgress(int Epoch, int SamplesDone, int SamplesTotal, double RunningLoss, double RunningAccuracy);

/// <summary>Trains and evaluates image classifiers with cross-entropy.</summary>
public static class Trainer
{
    /// <summary>Trains <paramref name="model"/> on <paramref name="train"/>, validating after each epoch.</summary>
    /// <remarks>
    /// The loss of every batch is checked before its backward pass, and the weights after each
    /// epoch: a NaN or infinite value stops training at once with
    /// <see cref="TrainingDivergedException"/>, so a diverged run never yields a model.
    /// </remarks>
    /// <exception cref="ArgumentException">An option is out of range, the optimizer name is unknown, or both a perturbation and an objective are given.</exception>
    /// <exception cref="TrainingDivergedException">A batch's loss was not finite.</exception>
    public static IReadOnlyList<EpochResult> Fit(
        Module model,
        LabeledImages train,
        LabeledImages? validation,
        TrainingOptions options,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (options.Epochs < 1 || options.BatchSize < 1 || !(options.LearningRate > 0f) || !float.IsFinite(options.LearningRate))
        {
            throw new ArgumentException($"training options: epochs {options.Epochs}, batch {options.BatchSize}, learning rate {options.LearningRate}; expected positive values.", nameof(options));
        }

        if (options.Adversarial is { } a && !(a.Fraction > 0f && a.Fraction <= 1f))
        {
            throw new ArgumentException($"adversarial training: fraction {a.Fraction}; expected a share of the batch in (0, 1].", nameof(options));
        }

        if (options.Adversarial is not null && options.Objective is not null)
        {
            throw new ArgumentException($"training options: a perturbation ({options.Adversarial.Perturbation.Name}) and an objective ({options.Objective.Name}) were both given; the objective generates its own examples.", nameof(options));
        }

        if (options.SampleWeights is { } weights)
        {
            if (weights.Length != train.Count)
            {
                throw new ArgumentException($"training options: {weights.Length} sample weights for {train.Count} training samples; expected one per sample.", nameof(options));
            }

            if (weights.Any(w => !(w >= 0f) || !float.IsFinite(w)))
            {
                throw new ArgumentException("training options: every sample weight must be finite and non-negative.", nameof(options));
            }

            if (options.Objective is not null)
            {
                throw new ArgumentException($"training options: sample weights and an objective ({options.Objective.Name}) were both given; the objective defines its own loss.", nameof(options));
            }
        }

        var parameters = model.Parameters().ToList();
        var optimizer = CreateOptimizer(options, parameters);
        LearningRateSchedule? schedule = options.CosineSchedule ? new CosineSchedule(optimizer, options.Epochs) : null;
        var rng = new Rng(options.Seed);
        var attackRng = new Rng(options.Seed + 1);
        var results = new List<EpochResult>();
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            model.Train();
            var order = rng.Permutation(train.Count);
            double lossSum = 0;
            var correct = 0;
            var seen = 0;
            var lr = optimizer.LearningRate;
            var step = 0;
            var batchStart = 0;
            foreach (var (x, y) in train.Batches(options.BatchSize, order))
            {
                var batchIndices = order[batchStart..(batchStart + y.Length)];
                batchStart += y.Length;
                cancellationToken.ThrowIfCancellationRequested();
                Tensor logits, loss;
                if (options.Objective is { } objective)
                {
                    optimizer.ZeroGrad();
                    (loss, logits) = objective.Loss(model, x, y, attackRng);
                }
                else
                {
                    var input = options.Adversarial is { } adversarial ? Perturb(model, x, y, adversarial, attackRng) : x;
                    optimizer.ZeroGrad();
                    logits = model.Forward(input);
                    loss = options.SampleWeights is { } w
                        ? Ops.Multiply(Ops.Sum(Ops.Multiply(Losses.CrossEntropy(logits, y, Reduction.None), Tensor.FromArray([.. batchIndices.Select(i => w[i])], y.Length))), 1f / y.Length)
                        : Losses.CrossEntropy(logits, y);
                }

                var lossValue = loss.Item();
                step++;
                if (!double.IsFinite(lossValue))
                {
                    throw new TrainingDivergedException(epoch, step, lossValue, lr);
                }

                loss.Backward();
                optimizer.Step();
                lossSum += lossValue * y.Length;
                correct += CountCorrect(logits, y);
                seen += y.Length;
                progress?.Report(new TrainingProgress(epoch, seen, train.Count, lossSum / seen, (double)correct / seen));
            }

            // The last step's update is not seen by any loss: check the weights themselves.
            if (parameters.Any(p => !AllFinite(p.ReadOnlySpan)))
            {
                throw new TrainingDivergedException(epoch, step, "weights not finite after the update", lr);
            }

            schedule?.Step();
            double? valAccuracy = validation is null ? null : Evaluate(model, validation, (int)Math.Min(options.BatchSize * 4L, int.MaxValue));
            results.Add(new EpochResult(epoch, lossSum / seen, (double)correct / seen, valAccuracy, lr, clock.Elapsed.TotalSeconds));
        }

        model.Eval();
        return results;
    }

    /// <summary>The optimizer <see cref="TrainingOptions.Optimizer"/> names, at the initial learning rate (also used by DP-SGD training).</summary>
    /// <exception cref="ArgumentException">The optimizer name is unknown.</exception>
    public static Optimizer CreateOptimizer(TrainingOptions options, IReadOnlyList<Tensor> parameters) => options.Optimizer switch
    {
        "adam" => new Adam(parameters, options.LearningRate),
        "adamw" => new AdamW(parameters, options.LearningRate),
        "sgd" => new Sgd(parameters, options.LearningRate, momentum: 0.9f),
        _ => throw new ArgumentException($"unknown optimizer '{options.Optimizer}'; expected adam, adamw or sgd.", nameof(options)),
    };

    /// <summary>Top-1 accuracy of <paramref name="model"/> on <paramref name="data"/> in inference mode.</summary>
    public static double Evaluate(Module model, LabeledImages data, int batchSize = 256)
    {
        var wasTraining = model.IsTraining;
        model.Eval();
        var correct = 0;
        using (GradMode.NoGrad())
        {
            foreach (var (x, y) in data.Batches(batchSize))
            {
                correct += CountCorrect(model.Forward(x), y);
            }
        }

        model.Train(wasTraining);
        return data.Count == 0 ? 0 : (double)correct / data.Count;
    }

    /// <summary>
    /// Replaces the first <c>round(Fraction·N)</c> samples of the batch (at least one) by
    /// <see cref="AdversarialTraining.Perturbation"/>'s output for them, generated with
    /// <paramref name="model"/> in evaluation mode; the rest stay clean.
    /// </summary>
    /// <exception cref="InvalidOperationException">The perturbation returned a tensor of another shape.</exception>
    public static Tensor Perturb(Module model, Tensor x, int[] labels, AdversarialTraining settings, Rng rng)
    {
        var n = x.Dim(0);
        var m = Math.Clamp((int)Math.Round(settings.Fraction * n), 1, n);
        var per = x.Size / n;
        var clean = m == n ? x.Detach() : Ops.IndexSelect(x.Detach(), 0, [.. Enumerable.Range(0, m)]);
        var targets = m == n ? labels : labels[..m];
        var wasTraining = model.IsTraining;
        model.Eval();
        Tensor adversarial;
        try
        {
            adversarial = settings.Perturbation.Perturb(model, clean, targets, rng).Detach();
        }
        finally
        {
            model.Train(wasTraining);
        }

        if (adversarial.Shape != clean.Shape)
        {
            throw new InvalidOperationException($"adversarial training: {settings.Perturbation.Name} returned shape {adversarial.Shape} for a batch of shape {clean.Shape}.");
        }

        if (m == n)
        {
            return adversarial;
        }

        var mixed = x.Detach().Clone();
        adversarial.ReadOnlySpan.CopyTo(mixed.Span[..(m * per)]);
        return mixed;
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (var v in values)
        {
            if (!float.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }

    private static int CountCorrect(Tensor logits, int[] labels)
    {
        var predicted = Ops.ArgMax(logits, 1);
        var correct = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            if (predicted[i] == labels[i])
            {
                correct++;
            }
        }

        return correct;
    }
}
