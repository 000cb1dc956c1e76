using System.Globalization;

namespace Gauntlet.Attacks.Registry;

/// <summary>
/// Everything Gauntlet knows about one attack, stated once: its name and aliases, kind, norms,
/// targeted support, parameters with defaults and ranges, description, citation, cost rank and the
/// factory that builds it. The CLI, the audit, adversarial training and docs/attacks.md all read it
/// through <see cref="AttackRegistry"/>. Each attack declares its descriptor in its own file.
/// </summary>
public sealed class AttackDescriptor
{
    /// <summary>The canonical name, lower-case with hyphens, e.g. <c>apgd-ce</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Other names that find this attack.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>What the attack needs from the model.</summary>
    public required AttackKind Kind { get; init; }

    /// <summary>Supported norms, the default first; empty for attacks not bounded by a norm.</summary>
    public required IReadOnlyList<Norm> Norms { get; init; }

    /// <summary>Whether the attack can aim at a chosen class.</summary>
    public required bool SupportsTargeted { get; init; }

    /// <summary>The settings the attack reads, with its defaults and ranges.</summary>
    public required IReadOnlyList<AttackParameter> Parameters { get; init; }

    /// <summary>One or two sentences saying what the attack does.</summary>
    public required string Description { get; init; }

    /// <summary>The paper, e.g. <c>Madry et al. 2018</c>; empty for baselines without one.</summary>
    public required string Citation { get; init; }

    /// <summary>Relative cost: an audit runs its attacks in ascending rank (noise &lt; black-box &lt; white-box).</summary>
    public required int CostRank { get; init; }

    /// <summary>
    /// Builds the attack from resolved settings, or null for an attack that is not an
    /// <see cref="EvasionAttack"/> (a universal patch is trained over a data set; see its own API).
    /// </summary>
    public required Func<ResolvedAttackSettings, EvasionAttack>? Factory { get; init; }

    /// <summary>Whether <see cref="Create"/> can build this attack as an <see cref="EvasionAttack"/>.</summary>
    public bool IsEvasion => Factory is not null;

    /// <summary>Whether the attack perturbs within an ε-ball of an L∞ or L2 norm.</summary>
    public bool IsNormBounded => Uses(AttackSetting.Epsilon) && Norms.Any(n => n is Norm.Linf or Norm.L2);

    /// <summary>
    /// Whether adversarial training can use it: a white-box evasion attack bounded in L∞
    /// (training clips to an L∞ ball around each clean sample).
    /// </summary>
    public bool SupportsTraining => Kind == AttackKind.WhiteBox && IsEvasion && IsNormBounded && Norms.Contains(Norm.Linf);

    /// <summary>Whether the attack reads <paramref name="setting"/>.</summary>
    public bool Uses(AttackSetting setting) => Parameters.Any(p => p.Setting == setting);

    /// <summary>The parameter for <paramref name="setting"/>, or null when the attack does not read it.</summary>
    public AttackParameter? Parameter(AttackSetting setting) => Parameters.FirstOrDefault(p => p.Setting == setting);

    /// <summary>Checks <paramref name="settings"/> against the norms and parameter ranges and fills in defaults.</summary>
    /// <exception cref="ArgumentException">The norm is not supported, a required value is missing, or a value is out of range; the message names the parameter and its range.</exception>
    public ResolvedAttackSettings Resolve(AttackSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var norm = settings.Norm ?? (Norms.Count > 0 ? Norms[0] : Norm.Linf);
        if (settings.Norm is { } given && !Norms.Contains(given))
        {
            throw new ArgumentException(Norms.Count == 0
                ? $"{Name} is not bounded by a norm; drop the norm (got {NormName(given)})."
                : $"{Name} supports {string.Join(" and ", Norms.Select(NormName))} only; got {NormName(given)}.", "norm");
        }

        double Value(AttackSetting setting, double placeholder)
        {
            if (Parameter(setting) is not { } parameter)
            {
                return settings.Get(setting) ?? placeholder;
            }

            var value = settings.Get(setting) ?? parameter.Default
                ?? (setting == AttackSetting.StepSize && settings.Epsilon is { } e ? e / 4f : (double?)null)
                ?? throw new ArgumentException($"{Name}: {parameter.Name} is required ({parameter.Description}).", parameter.Name);
            if (!parameter.Accepts(value))
            {
                throw new ArgumentException(
                    $"{Name}: {parameter.Name} = {value.ToString(CultureInfo.InvariantCulture)} is out of range; expected {parameter.Name} {parameter.RangeText} ({parameter.Description}).",
                    parameter.Name);
            }

            return value;
        }

        return new ResolvedAttackSettings(
            norm,
            (float)Value(AttackSetting.Epsilon, 0),
            (int)Value(AttackSetting.Steps, 1),
            (float)Value(AttackSetting.StepSize, 0),
            (int)Value(AttackSetting.Restarts, 1),
            Value(AttackSetting.RandomStart, 0) != 0,
            (int)Value(AttackSetting.MaxQueries, 3),
            (int)Value(AttackSetting.Trials, 1),
            (int)Value(AttackSetting.TargetClasses, 1));
    }

    /// <summary>Validates <paramref name="settings"/> (see <see cref="Resolve"/>) and builds the attack.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    /// <exception cref="NotSupportedException">The attack is not an evasion attack (<see cref="IsEvasion"/> is false).</exception>
    public EvasionAttack Create(AttackSettings settings)
    {
        var factory = Factory ?? throw new NotSupportedException(
            $"{Name} is a {KindName(Kind)} attack, not an evasion attack: it cannot be built per batch from settings; use its own API.");
        return factory(Resolve(settings));
    }

    /// <summary>The lower-case name of a norm as the CLI and plans spell it: <c>l0</c>, <c>l1</c>, <c>l2</c>, <c>linf</c>.</summary>
    public static string NormName(Norm norm) => norm.ToString().ToLowerInvariant();

    /// <summary>The kind as shown in tables: <c>white-box</c>, <c>score-based</c>, <c>decision-based</c>, <c>noise</c>, <c>spatial</c>, <c>universal</c>.</summary>
    public static string KindName(AttackKind kind) => kind switch
    {
        AttackKind.WhiteBox => "white-box",
        AttackKind.ScoreBased => "score-based",
        AttackKind.DecisionBased => "decision-based",
        AttackKind.Noise => "noise",
        AttackKind.Spatial => "spatial",
        AttackKind.Universal => "universal",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an AttackKind."),
    };
}
