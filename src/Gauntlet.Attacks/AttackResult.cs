using Gauntlet.Tensors;

namespace Gauntlet.Attacks;

/// <summary>
/// What an attack produced for a batch: the adversarial examples and, per sample, whether the
/// attack succeeded, the perturbation norms, predictions and confidences.
/// </summary>
public sealed class AttackResult
{
    /// <summary>Name of the attack.</summary>
    public required string Attack { get; init; }

    /// <summary>Adversarial examples, shaped like the input batch and inside the input domain.</summary>
    public required Tensor Adversarial { get; init; }

    /// <summary>Per sample: untargeted — the prediction differs from the label; targeted — it equals the target.</summary>
    public required bool[] Success { get; init; }

    /// <summary>Per sample: the clean prediction.</summary>
    public required int[] OriginalPrediction { get; init; }

    /// <summary>Per sample: the prediction on the adversarial example.</summary>
    public required int[] AdversarialPrediction { get; init; }

    /// <summary>Per sample: softmax confidence of the clean prediction.</summary>
    public required float[] OriginalConfidence { get; init; }

    /// <summary>Per sample: softmax confidence of the adversarial prediction.</summary>
    public required float[] AdversarialConfidence { get; init; }

    /// <summary>Per sample: number of elements changed by more than 1e-7.</summary>
    public required float[] L0 { get; init; }

    /// <summary>Per sample: Euclidean norm of the perturbation.</summary>
    public required float[] L2 { get; init; }

    /// <summary>Per sample: largest absolute change.</summary>
    public required float[] Linf { get; init; }

    /// <summary>Model queries the attack made (samples sent to the classifier).</summary>
    public required long Queries { get; init; }

    /// <summary>
    /// Per sample: model queries spent on it, including the clean and final predictions; sums to
    /// <see cref="Queries"/>. Exact for the black-box attacks and sequences, which query samples
    /// selectively; an even share of the batch's queries for the gradient attacks, which send every
    /// sample in every call.
    /// </summary>
    public required long[] SampleQueries { get; init; }

    /// <summary>Wall time in seconds.</summary>
    public required double Seconds { get; init; }

    /// <summary>Fraction of samples where the attack succeeded.</summary>
    public double SuccessRate => Success.Length == 0 ? 0 : Success.Count(s => s) / (double)Success.Length;
}
