using Gauntlet.Models;

namespace Gauntlet.Privacy.ApiDefenses;

/// <summary>
/// Answers the predicted label alone (ART's <c>ClassLabels</c>): <c>p′</c> is one-hot at
/// <c>argmax p</c> (the lower index on ties). The strongest output perturbation; extraction and
/// membership inference must then work from labels.
/// </summary>
public sealed class LabelOnlyDefense : OutputDefense
{
    /// <summary>Wraps <paramref name="model"/>.</summary>
    public LabelOnlyDefense(IClassifier model)
        : base(model)
    {
    }

    /// <inheritdoc />
    public override string Name => "label-only";

    /// <inheritdoc />
    protected override void Transform(Span<double> probabilities)
    {
        var best = ArgMax(probabilities);
        probabilities.Clear();
        probabilities[best] = 1;
    }
}
