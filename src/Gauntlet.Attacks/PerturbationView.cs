using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Attacks;

/// <summary>
/// One clean / adversarial pair made viewable: both mapped from the input domain to [0, 1], and the
/// perturbation as mid-grey 0.5 + δ·<see cref="Scale"/>, scaled so the largest |δ| reaches 0 or 1
/// (all mid-grey when nothing changed). Used for saved examples and report thumbnails.
/// </summary>
/// <param name="Clean">The clean input in [0, 1].</param>
/// <param name="Adversarial">The adversarial input in [0, 1].</param>
/// <param name="Perturbation">The amplified perturbation in [0, 1].</param>
/// <param name="Scale">The factor δ was multiplied by (0 when δ is zero).</param>
public sealed record PerturbationView(Tensor Clean, Tensor Adversarial, Tensor Perturbation, float Scale)
{
    /// <summary>Builds the view of one sample pair, both shaped like a single sample.</summary>
    /// <exception cref="ArgumentException">The two tensors differ in size.</exception>
    public static PerturbationView Of(Tensor clean, Tensor adversarial, InputRange range)
    {
        ArgumentNullException.ThrowIfNull(clean);
        ArgumentNullException.ThrowIfNull(adversarial);
        if (clean.Size != adversarial.Size)
        {
            throw new ArgumentException($"clean ({clean.Shape}) and adversarial ({adversarial.Shape}) samples differ in size.", nameof(adversarial));
        }

        var c = clean.ReadOnlySpan;
        var a = adversarial.ReadOnlySpan;
        var largest = 0f;
        for (var j = 0; j < c.Length; j++)
        {
            largest = Math.Max(largest, Math.Abs(a[j] - c[j]));
        }

        var scale = largest > 0f ? 0.5f / largest : 0f;
        var width = range.Max - range.Min;
        var shown = new float[c.Length];
        var cleanShown = new float[c.Length];
        var adversarialShown = new float[c.Length];
        for (var j = 0; j < c.Length; j++)
        {
            shown[j] = 0.5f + ((a[j] - c[j]) * scale);
            cleanShown[j] = (c[j] - range.Min) / width;
            adversarialShown[j] = (a[j] - range.Min) / width;
        }

        var shape = clean.Shape;
        return new PerturbationView(Tensor.FromArray(cleanShown, shape), Tensor.FromArray(adversarialShown, shape), Tensor.FromArray(shown, shape), scale);
    }
}
