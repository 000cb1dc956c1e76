namespace Gauntlet.Attacks;

/// <summary>The distance an attack's perturbation budget is measured in.</summary>
public enum Norm
{
    /// <summary>Number of changed input elements.</summary>
    L0,

    /// <summary>Sum of absolute changes.</summary>
    L1,

    /// <summary>Euclidean length of the change.</summary>
    L2,

    /// <summary>Largest absolute change of any element.</summary>
    Linf,
}
