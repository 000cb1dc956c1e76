using System.Diagnostics;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Privacy.Accounting;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Nn;
using Gauntlet.Tensors.Optim;

namespace Gauntlet.Privacy.Training;

/// <summary>One DP-SGD epoch: the ordinary figures and the privacy spent so far.</summary>
/// <param name="Epoch">The epoch's figures (loss and accuracy on the sampled batches, validation accuracy, time).</param>
/// <param name="Privacy">(ε, δ) after all steps so far.</param>
/// <param name="Steps">Steps taken so far.</param>
public sealed record PrivateEpochResult(EpochResult Epoch, PrivacySpent Privacy, long Steps);

/// <summary>
/// DP-SGD (Abadi et al. 2016) on any <see cref="Sequential"/> whose parameterised layers have a
/// per-sample gradient rule (linear, convolution, layer normalisation): Poisson-sampled batches of
/// expected size B (q = B/N), per-sample gradients, clipping to C, Gaussian noise of std σC on the
/// sum, division by B, then the optimizer's step. The accountant reports ε after every epoch.
/// </summary>
public static class DpSgdTrainer
{
    /// <summary>Trains <paramref name="model"/> with DP-SGD.</summary>
    /// <remarks>
    /// <see cref="TrainingOptions.BatchSize"/> is the expected batch size; an epoch is
    /// <c>⌊1/q⌋</c> steps (Opacus's count). The step's gradient is
    /// <c>(Σ_n clip(g_n) + N(0, σ²C²·I))/B</c>, an empty batch giving noise alone. The model stays in
    /// training mode throughout. Sampling uses <c>Seed</c>, noise <c>Seed + 2</c>.
    /// </remarks>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="NotSupportedException">A layer has parameters but no per-sample gradient rule (batch norm, for one).</exception>
    /// <exception cref="TrainingDivergedException">A batch's loss was not finite.</exception>
    public static IReadOnlyList<PrivateEpochResult> Fit(
        Sequential model,
        LabeledImages train,
        LabeledImages? validation,
        TrainingOptions options,
        DpSgdOptions privacy,
        IProgress<TrainingProgress>? progress = null,
        IProgress<PrivateEpochResult>? epochs = null,
        CancellationToken cancellationToken = default)
    {
        if (options.Epochs < 1 || options.BatchSize < 1 || options.BatchSize > train.Count || !(options.LearningRate > 0f) || !float.IsFinite(options.LearningRate))
        {
            throw new ArgumentException($"DP-SGD: epochs {options.Epochs}, expected batch {options.BatchSize} of {train.Count} samples, learning rate {options.LearningRate}; expected positive values and a batch no larger than the data.", nameof(options));
        }

        if (options.Adversarial is not null)
        {
            throw new ArgumentException("DP-SGD does not combine with adversarial training here.", nameof(options));
        }

        privacy.Validate();
        var accountant = PrivacyAccountants.Create(privacy.Accountant);
        var named = model.NamedParameters().ToList();
        var names = named.Select(p => p.Name).ToList();
        var parameters = named.Select(p => p.Value).ToList();
        var optimizer = Trainer.CreateOptimizer(options, parameters);
        LearningRateSchedule? schedule = options.CosineSchedule ? new CosineSchedule(optimizer, options.Epochs) : null;
        var sampleRate = (double)options.BatchSize / train.Count;
        var stepsPerEpoch = PoissonSampler.StepsPerEpoch(sampleRate);
        var samplingRng = new Rng(options.Seed);
        var noiseRng = new Rng(options.Seed + 2);
        var results = new List<PrivateEpochResult>();
        long steps = 0;
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            model.Train();
            double lossSum = 0;
            var correct = 0;
            var seen = 0;
            var lr = optimizer.LearningRate;
            for (var step = 1; step <= stepsPerEpoch; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = PoissonSampler.Sample(train.Count, sampleRate, samplingRng);
                float[][] sums;
                if (batch.Length == 0)
                {
                    sums = [.. parameters.Select(p => new float[p.Size])];
                }
                else
                {
                    var (x, y) = train.Batches(batch.Length, batch).Single();
                    Tensor? logits = null;
                    var perSample = PerSampleGradientMode.Compute(model, x, output =>
                    {
                        logits = output;
                        return Losses.CrossEntropy(output, y, Reduction.None);
                    });
                    var (batchLoss, batchCorrect) = Score(logits!, y);
                    if (!double.IsFinite(batchLoss))
                    {
                        throw new TrainingDivergedException(epoch, step, batchLoss / y.Length, lr);
                    }

                    lossSum += batchLoss;
                    correct += batchCorrect;
                    seen += y.Length;
                    var factors = PrivateGradient.ClipFactors(perSample, names, privacy.MaxGradNorm, privacy.Clipping);
                    sums = PrivateGradient.ClippedSum(perSample, names, factors);
                }

                for (var p = 0; p < parameters.Count; p++)
                {
                    PrivateGradient.AddNoise(sums[p], privacy.NoiseMultiplier, privacy.MaxGradNorm, noiseRng);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(sums[p], 1f / options.BatchSize, sums[p]);
                    parameters[p].Grad = Tensor.FromArray(sums[p], parameters[p].Shape);
                }

                optimizer.Step();
                steps++;
                if (seen > 0)
                {
                    progress?.Report(new TrainingProgress(epoch, Math.Min(seen, train.Count), train.Count, lossSum / seen, (double)correct / seen));
                }
            }

            if (parameters.Any(p => !AllFinite(p.ReadOnlySpan)))
            {
                throw new TrainingDivergedException(epoch, stepsPerEpoch, "weights not finite after the update", lr);
            }

            schedule?.Step();
            // Timed as Trainer.Fit times an epoch (validation included), so the two compare; the accountant is not.
            double? valAccuracy = validation is null ? null : Trainer.Evaluate(model, validation, (int)Math.Min(options.BatchSize * 4L, int.MaxValue));
            var seconds = clock.Elapsed.TotalSeconds;
            var spent = accountant.Spent(sampleRate, privacy.NoiseMultiplier, steps, privacy.Delta);
            var result = new PrivateEpochResult(
                new EpochResult(epoch, seen == 0 ? 0 : lossSum / seen, seen == 0 ? 0 : (double)correct / seen, valAccuracy, lr, seconds), spent, steps);
            results.Add(result);
            epochs?.Report(result);
        }

        model.Eval();
        return results;
    }

    // Summed cross-entropy and correct predictions of the batch, from the logits the step already computed.
    private static (double Loss, int Correct) Score(Tensor logits, int[] labels)
    {
        using var _ = GradMode.NoGrad();
        var losses = Losses.CrossEntropy(logits.Detach(), labels, Reduction.None).ReadOnlySpan;
        double sum = 0;
        foreach (var l in losses)
        {
            sum += l;
        }

        var predicted = Ops.ArgMax(logits.Detach(), 1);
        var correct = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }

        return (sum, correct);
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
}
