namespace Gauntlet.Attacks.Registry;

/// <summary>What an attack needs from the model, and so which attacker can run it.</summary>
public enum AttackKind
{
    /// <summary>Random perturbations at the budget; uses predictions only to keep the worst draw.</summary>
    Noise,

    /// <summary>Black-box: queries logits (scores), never gradients.</summary>
    ScoreBased,

    /// <summary>Black-box: queries predicted labels only.</summary>
    DecisionBased,

    /// <summary>Geometric transforms (rotations, translations); not bounded by a norm.</summary>
    Spatial,

    /// <summary>White-box: uses loss gradients with respect to the input.</summary>
    WhiteBox,

    /// <summary>Trains one perturbation (a patch) over a data set instead of perturbing each input.</summary>
    Universal,
}
