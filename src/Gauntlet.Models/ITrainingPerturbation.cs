using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Models;

/// <summary>
/// Turns a clean training batch into the batch the model is trained on (adversarial training).
/// <see cref="Trainer.Fit"/> calls it before every optimizer step on the first
/// <c>round(Fraction·N)</c> samples, with the model already in evaluation mode. Models cannot see
/// the attacks (they sit above it), so the attacks provide implementations: see
/// <c>Gauntlet.Attacks.Training.AttackPerturbation</c>, which wraps any registered white-box attack.
/// </summary>
public interface ITrainingPerturbation
{
    /// <summary>Short name for logs, e.g. <c>pgd-linf</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Returns perturbed inputs shaped like <paramref name="x"/>. It must take input gradients only
    /// (for example with <c>Autodiff.Grad</c>), leaving the parameters' gradients untouched, and
    /// draw all its randomness from <paramref name="rng"/> so training stays reproducible.
    /// </summary>
    /// <param name="model">The model being trained, in evaluation mode.</param>
    /// <param name="x">Clean inputs <c>[M, ...]</c>, detached.</param>
    /// <param name="labels">Their true labels.</param>
    /// <param name="rng">The trainer's perturbation random stream (seed + 1), shared across batches.</param>
    Tensor Perturb(Module model, Tensor x, int[] labels, Rng rng);
}
