using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Defenses.Training;

/// <summary>
/// Gaussian-noise augmentation (Cohen et al. 2019, §4): each training input is replaced by
/// <c>x + σ·z</c> with <c>z ~ N(0, I)</c> drawn from the trainer's perturbation stream. The noisy
/// input is <em>not</em> clipped to the input domain, so the model learns the same distribution the
/// randomized-smoothing classifier later sees at prediction and certification time.
/// </summary>
/// <remarks>
/// Used through <see cref="Trainer.Fit"/>'s perturbation hook (<see cref="AdversarialTraining"/>
/// with fraction 1 for every sample noisy). The model is never queried, so it is cheap: one draw
/// of N(0, 1) per input value.
/// </remarks>
public sealed class GaussianNoiseAugmentation : ITrainingPerturbation
{
    /// <summary>Creates the augmentation.</summary>
    /// <param name="sigma">Standard deviation σ of the noise, in input units; positive and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sigma"/> is not positive and finite.</exception>
    public GaussianNoiseAugmentation(float sigma)
    {
        if (!(sigma > 0f) || !float.IsFinite(sigma))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), $"Gaussian augmentation: σ {sigma}; expected a positive, finite standard deviation.");
        }

        Sigma = sigma;
    }

    /// <summary>Standard deviation σ of the noise.</summary>
    public float Sigma { get; }

    /// <inheritdoc />
    public string Name => "gaussian";

    /// <inheritdoc />
    public Tensor Perturb(Module model, Tensor x, int[] labels, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(rng);
        using var scope = GradMode.NoGrad();
        var noise = Tensor.RandN(rng, x.Shape.ToArray());
        return Ops.Add(x.Detach(), Ops.Multiply(noise, Sigma));
    }
}
