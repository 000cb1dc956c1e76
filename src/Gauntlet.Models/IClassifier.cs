using Gauntlet.Tensors;

namespace Gauntlet.Models;

/// <summary>
/// What attacks see of a model: a classifier over inputs in a declared domain. White-box attacks
/// use <see cref="LossGradient"/>; black-box attacks use only <see cref="Predict"/> and every call
/// is counted in <see cref="QueryCount"/>. Preprocessing (mean/std normalisation) happens inside,
/// so attacks always work in the input space the user sees.
/// </summary>
public interface IClassifier
{
    /// <summary>Shape of one sample, e.g. <c>[1, 28, 28]</c> or <c>[F]</c>.</summary>
    Shape SampleShape { get; }

    /// <summary>Number of classes K.</summary>
    int ClassCount { get; }

    /// <summary>The valid input range; attacks clip to it.</summary>
    InputRange InputRange { get; }

    /// <summary>Samples sent to <see cref="Predict"/> or <see cref="LossGradient"/> so far.</summary>
    long QueryCount { get; }

    /// <summary>
    /// False for models that answer queries but expose no gradients (a remote endpoint, a
    /// non-differentiable pipeline); white-box attacks and audits skip them. Default: true.
    /// </summary>
    bool HasGradients => true;

    /// <summary>Logits <c>[N, K]</c> for a batch <c>[N, ...SampleShape]</c>, without recording autodiff.</summary>
    Tensor Predict(Tensor batch);

    /// <summary>
    /// ∂loss/∂x for the whole batch from one backward pass, with the model's parameters frozen.
    /// </summary>
    /// <param name="batch">Inputs <c>[N, ...SampleShape]</c>.</param>
    /// <param name="labels">One label per sample (the true class, or the target for targeted losses).</param>
    /// <param name="loss">Maps logits and labels to a scalar loss (for example a summed cross-entropy).</param>
    /// <returns>The input gradient, shaped like <paramref name="batch"/>, and the logits.</returns>
    (Tensor Gradient, Tensor Logits) LossGradient(Tensor batch, int[] labels, Func<Tensor, int[], Tensor> loss);
}

/// <summary>The closed interval inputs must lie in.</summary>
/// <param name="Min">Lower bound.</param>
/// <param name="Max">Upper bound.</param>
public readonly record struct InputRange(float Min, float Max)
{
    /// <summary>The default image domain [0, 1].</summary>
    public static InputRange Unit => new(0f, 1f);

    /// <summary>Parses <c>"min,max"</c> as given on the command line.</summary>
    /// <exception cref="FormatException">The text is not two numbers with min &lt; max.</exception>
    public static InputRange Parse(string text)
    {
        var parts = text.Split(',');
        if (parts.Length != 2
            || !float.TryParse(parts[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var min)
            || !float.TryParse(parts[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var max)
            || !(min < max))
        {
            throw new FormatException($"input range '{text}' is not 'min,max' with min < max (for example 0,1 or -1,1).");
        }

        return new InputRange(min, max);
    }
}
