namespace Gauntlet.Attacks.Registry;

/// <summary>
/// What a caller asks of an attack. Every value is optional: a value left null takes the attack's
/// default (<see cref="AttackParameter.Default"/>); a value the attack does not read is ignored, so
/// one settings object can serve every attack (the CLI passes its options as they are).
/// </summary>
public sealed record AttackSettings
{
    /// <summary>The norm; null for the attack's first supported norm.</summary>
    public Norm? Norm { get; init; }

    /// <summary>The budget ε.</summary>
    public float? Epsilon { get; init; }

    /// <summary>Iterations.</summary>
    public int? Steps { get; init; }

    /// <summary>Step size α.</summary>
    public float? StepSize { get; init; }

    /// <summary>Random restarts.</summary>
    public int? Restarts { get; init; }

    /// <summary>Whether to start from a random point of the ε-ball.</summary>
    public bool? RandomStart { get; init; }

    /// <summary>Query budget per sample.</summary>
    public int? MaxQueries { get; init; }

    /// <summary>Random draws per sample.</summary>
    public int? Trials { get; init; }

    /// <summary>Wrong classes targeted in turn.</summary>
    public int? TargetClasses { get; init; }

    /// <summary>The value given for <paramref name="setting"/> as a number (booleans 0 or 1), or null.</summary>
    public double? Get(AttackSetting setting) => setting switch
    {
        AttackSetting.Epsilon => Epsilon,
        AttackSetting.Steps => Steps,
        AttackSetting.StepSize => StepSize,
        AttackSetting.Restarts => Restarts,
        AttackSetting.RandomStart => RandomStart is { } r ? (r ? 1 : 0) : null,
        AttackSetting.MaxQueries => MaxQueries,
        AttackSetting.Trials => Trials,
        AttackSetting.TargetClasses => TargetClasses,
        _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, "not an AttackSetting."),
    };
}

/// <summary>
/// Settings checked against an attack's parameters, with defaults filled in: what a factory
/// receives. Values the attack does not read hold neutral placeholders and must not be used.
/// </summary>
/// <param name="Norm">The norm, one the attack supports (L∞ placeholder for attacks not bounded by a norm).</param>
/// <param name="Epsilon">The budget ε.</param>
/// <param name="Steps">Iterations.</param>
/// <param name="StepSize">Step size α (ε/4 unless given or the attack has its own default).</param>
/// <param name="Restarts">Random restarts.</param>
/// <param name="RandomStart">Whether to start from a random point of the ε-ball.</param>
/// <param name="MaxQueries">Query budget per sample.</param>
/// <param name="Trials">Random draws per sample.</param>
/// <param name="TargetClasses">Wrong classes targeted in turn.</param>
public sealed record ResolvedAttackSettings(
    Norm Norm, float Epsilon, int Steps, float StepSize, int Restarts, bool RandomStart, int MaxQueries, int Trials, int TargetClasses);
