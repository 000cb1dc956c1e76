using Gauntlet.Tensors;

namespace Gauntlet.Defenses.InputTransforms;

/// <summary>
/// An input defense's preprocessing: a map from a batch of images <c>[N, C, H, W]</c> in [0, 1] to
/// the batch the model sees. <see cref="Adaptive.DefendedClassifier"/> puts it in front of a classifier.
/// </summary>
public interface IInputTransform
{
    /// <summary>Short name, e.g. <c>jpeg</c>.</summary>
    string Name { get; }

    /// <summary>One line of the settings, for reports (e.g. <c>quality 75</c>).</summary>
    string Settings { get; }

    /// <summary>Whether the output depends on random draws (then attacks need EOT).</summary>
    bool IsRandomized { get; }

    /// <summary>
    /// Whether the transform has a useful derivative. False for quantisers (bit depth, JPEG), whose
    /// derivative is zero almost everywhere: attacking them through it is gradient masking, and
    /// BPDA is the honest attack.
    /// </summary>
    bool IsDifferentiable { get; }

    /// <summary>
    /// Transforms <paramref name="x"/>, drawing any randomness from <paramref name="rng"/>, and returns
    /// the output with the exact vector–Jacobian product of this draw (zero where the transform
    /// is piecewise constant), which a plain white-box attack back-propagates through.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not a rank-4 image batch.</exception>
    TransformedInput Apply(Tensor x, Rng rng);
}

/// <summary>A transformed batch and the transform's backward pass at that point.</summary>
/// <param name="Output">The batch the model sees, shaped like the input.</param>
/// <param name="Backward">Maps ∂loss/∂output to ∂loss/∂input (the exact vector–Jacobian product).</param>
public sealed record TransformedInput(Tensor Output, Func<Tensor, Tensor> Backward);
