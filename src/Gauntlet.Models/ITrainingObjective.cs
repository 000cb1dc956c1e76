using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Models;

/// <summary>
/// Replaces the trainer's cross-entropy on the (possibly perturbed) batch by a loss of its own, for
/// robust-training methods whose loss is not cross-entropy on one batch: TRADES (Zhang et al. 2019)
/// adds a KL term between the clean and the adversarial predictions. <see cref="Trainer.Fit"/> calls
/// it once per optimizer step, after zeroing the gradients, with the model in training mode;
/// the trainer then checks the loss is finite, back-propagates it and steps. Models cannot see the
/// attacks, so the defenses provide implementations (<c>Gauntlet.Defenses.Training.Trades</c>).
/// </summary>
public interface ITrainingObjective
{
    /// <summary>Short name for logs, e.g. <c>trades</c>.</summary>
    string Name { get; }

    /// <summary>
    /// The scalar loss of one batch, recorded for autodiff so that its backward pass reaches the
    /// parameters, and the logits whose top-1 the trainer counts as training accuracy. Any inner
    /// search (an attack) must take input gradients only (<c>Autodiff.Grad</c>), run with the model
    /// in evaluation mode and restore training mode before the returned forward passes, and draw
    /// all its randomness from <paramref name="rng"/>.
    /// </summary>
    /// <param name="model">The model being trained, in training mode.</param>
    /// <param name="x">The clean batch, detached.</param>
    /// <param name="labels">Its true labels.</param>
    /// <param name="rng">The trainer's perturbation random stream (seed + 1), shared across batches.</param>
    (Tensor Loss, Tensor Logits) Loss(Module model, Tensor x, int[] labels, Rng rng);
}
