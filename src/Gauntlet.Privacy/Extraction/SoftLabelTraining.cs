using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;
using Gauntlet.Tensors.Optim;

namespace Gauntlet.Privacy.Extraction;

/// <summary>
/// Trains a network to match soft targets (the victim's answered probabilities), as Knockoff
/// Nets do in their probabilities setting: the loss is the KL divergence
/// <c>KL(t ‖ softmax(z)) = Σ t (log t − log softmax(z))</c> averaged over the batch. The trainer
/// in Gauntlet.Models fits hard labels only; this is its soft-label twin with the same optimizer
/// (Adam), cosine schedule, seeded shuffling and divergence check.
/// </summary>
internal static class SoftLabelTraining
{
    public static void Fit(Module model, Tensor images, float[] targets, int classes, TrainingOptions options, CancellationToken cancellationToken)
    {
        var n = images.Dim(0);
        var parameters = model.Parameters().ToList();
        var optimizer = new Adam(parameters, options.LearningRate);
        var schedule = options.CosineSchedule ? new CosineSchedule(optimizer, options.Epochs) : null;
        var rng = new Rng(options.Seed);
        var per = images.Size / n;
        var pixels = images.ReadOnlySpan.ToArray();
        model.Train();
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var order = rng.Permutation(n);
            for (var start = 0; start < n; start += options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var m = Math.Min(options.BatchSize, n - start);
                var x = new float[m * per];
                var t = new float[m * classes];
                for (var i = 0; i < m; i++)
                {
                    var src = order[start + i];
                    Array.Copy(pixels, src * per, x, i * per, per);
                    Array.Copy(targets, src * classes, t, i * classes, classes);
                }

                var dims = images.Shape.Dims.ToArray();
                dims[0] = m;
                optimizer.ZeroGrad();
                var logits = model.Forward(Tensor.FromArray(x, dims));
                var loss = Losses.KlDivergence(Ops.LogSoftmax(logits, 1), Tensor.FromArray(t, m, classes), Reduction.Mean, batchMean: true);
                var value = loss.Item();
                if (!double.IsFinite(value))
                {
                    throw new TrainingDivergedException(epoch, (start / options.BatchSize) + 1, value, optimizer.LearningRate);
                }

                loss.Backward();
                optimizer.Step();
            }

            schedule?.Step();
        }

        model.Eval();
    }
}
