using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;
using Gauntlet.Tensors.Optim;

namespace Gauntlet.Federated.Training;

/// <summary>How a client trains on its shard in one round.</summary>
/// <param name="Epochs">Local passes over the shard (E in McMahan et al.).</param>
/// <param name="BatchSize">Local batch size (B).</param>
/// <param name="LearningRate">Local SGD learning rate (momentum 0.9, no schedule: every round starts a fresh optimizer).</param>
/// <param name="ProximalMu">FedProx's μ (Li et al. 2020): 0 is FedAvg's plain local SGD.</param>
public sealed record LocalTrainingOptions(int Epochs = 1, int BatchSize = 32, float LearningRate = 0.05f, float ProximalMu = 0f);

/// <summary>One client's local update: train from the global weights, return the change.</summary>
public static class LocalTraining
{
    /// <summary>
    /// Loads <paramref name="global"/> into <paramref name="model"/>, trains on <paramref name="shard"/>
    /// and returns Δ = w_local − w_global.
    /// </summary>
    /// <remarks>
    /// With μ = 0 the training is <see cref="Trainer.Fit"/> itself (SGD with momentum 0.9, no
    /// schedule). With μ &gt; 0 it is the same loop — same shuffles from <paramref name="seed"/>,
    /// same batches, same optimizer — with FedProx's proximal term (μ/2)·‖w − w_global‖², whose
    /// gradient μ·(w − w_global) is added to each parameter's gradient before the step. The
    /// trainer has no gradient hook, so the loop is written here rather than widening the engine.
    /// </remarks>
    /// <exception cref="TrainingDivergedException">A local loss was not finite.</exception>
    public static float[] Update(Module model, float[] global, LabeledImages shard, LocalTrainingOptions options, int seed, CancellationToken cancellationToken = default)
    {
        ModelVector.Write(model, global);
        if (options.ProximalMu == 0f)
        {
            Trainer.Fit(model, shard, null, new TrainingOptions(options.Epochs, options.BatchSize, options.LearningRate, seed, "sgd", CosineSchedule: false), cancellationToken: cancellationToken);
        }
        else
        {
            FitProximal(model, global, shard, options, seed, cancellationToken);
        }

        var local = ModelVector.Read(model);
        for (var i = 0; i < local.Length; i++)
        {
            local[i] -= global[i];
        }

        return local;
    }

    private static void FitProximal(Module model, float[] global, LabeledImages shard, LocalTrainingOptions options, int seed, CancellationToken cancellationToken)
    {
        var parameters = model.Parameters().ToList();
        var optimizer = new Sgd(parameters, options.LearningRate, momentum: 0.9f);
        var rng = new Rng(seed);
        model.Train();
        var step = 0;
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            foreach (var (x, y) in shard.Batches(options.BatchSize, rng.Permutation(shard.Count)))
            {
                cancellationToken.ThrowIfCancellationRequested();
                optimizer.ZeroGrad();
                var loss = Losses.CrossEntropy(model.Forward(x), y);
                var value = loss.Item();
                step++;
                if (!double.IsFinite(value))
                {
                    throw new TrainingDivergedException(epoch, step, value, options.LearningRate);
                }

                loss.Backward();
                var offset = 0;
                foreach (var p in parameters)
                {
                    var w = p.ReadOnlySpan;
                    var g = p.Grad!.Span;
                    for (var i = 0; i < w.Length; i++)
                    {
                        g[i] += options.ProximalMu * (w[i] - global[offset + i]);
                    }

                    offset += p.Size;
                }

                optimizer.Step();
            }
        }

        model.Eval();
    }
}
