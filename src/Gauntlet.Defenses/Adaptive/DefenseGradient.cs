namespace Gauntlet.Defenses.Adaptive;

/// <summary>How a <see cref="DefendedClassifier"/> answers <c>LossGradient</c>.</summary>
public enum DefenseGradient
{
    /// <summary>
    /// The exact derivative of the defended model, through the transform (zero through a quantiser):
    /// what a white-box attack that ignores the defense computes.
    /// </summary>
    Plain,

    /// <summary>
    /// BPDA (Athalye et al. 2018): the transform runs on the forward pass and is replaced by the
    /// identity on the backward pass, so the gradient is the model's gradient at the transformed input.
    /// </summary>
    Bpda,
}
