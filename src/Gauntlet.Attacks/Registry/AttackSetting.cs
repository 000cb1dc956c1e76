namespace Gauntlet.Attacks.Registry;

/// <summary>The settings an <see cref="AttackSettings"/> can carry; each attack reads some of them.</summary>
public enum AttackSetting
{
    /// <summary>The perturbation budget ε (<c>epsilon</c>).</summary>
    Epsilon,

    /// <summary>Iterations (<c>steps</c>).</summary>
    Steps,

    /// <summary>The step size α of fixed-step iterative attacks (<c>step_size</c>).</summary>
    StepSize,

    /// <summary>Random restarts (<c>restarts</c>).</summary>
    Restarts,

    /// <summary>Whether to start from a random point of the ε-ball (<c>random_start</c>).</summary>
    RandomStart,

    /// <summary>Query budget per sample (<c>max_queries</c>).</summary>
    MaxQueries,

    /// <summary>Random draws per sample (<c>trials</c>).</summary>
    Trials,

    /// <summary>Wrong classes a targeted loss cycles through (<c>target_classes</c>).</summary>
    TargetClasses,
}
