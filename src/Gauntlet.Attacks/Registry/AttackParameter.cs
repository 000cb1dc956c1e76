using System.Globalization;

namespace Gauntlet.Attacks.Registry;

/// <summary>
/// One setting an attack reads: its name, a one-line description, its default and its valid range.
/// <see cref="AttackDescriptor.Resolve"/> checks every value the attack reads against the range,
/// so a new attack gets validation by declaring its parameters.
/// </summary>
public sealed record AttackParameter
{
    private AttackParameter(AttackSetting setting, string description, double? defaultValue, double min, bool minExclusive, double max)
    {
        Setting = setting;
        Description = description;
        Default = defaultValue;
        Min = min;
        MinExclusive = minExclusive;
        Max = max;
    }

    /// <summary>Which value of <see cref="AttackSettings"/> this parameter is.</summary>
    public AttackSetting Setting { get; }

    /// <summary>The snake_case name used in messages, docs and plans, e.g. <c>step_size</c>.</summary>
    public string Name => NameOf(Setting);

    /// <summary>One line saying what the parameter does for this attack.</summary>
    public string Description { get; }

    /// <summary>The default (booleans as 0 or 1); null when it is required (<c>epsilon</c>) or derived (<c>step_size</c> = ε/4).</summary>
    public double? Default { get; }

    /// <summary>Lower bound of the valid range.</summary>
    public double Min { get; }

    /// <summary>Whether <see cref="Min"/> itself is excluded (ε &gt; 0).</summary>
    public bool MinExclusive { get; }

    /// <summary>Upper bound of the valid range (inclusive).</summary>
    public double Max { get; }

    /// <summary>The default as shown in tables: a number, <c>true</c>/<c>false</c>, <c>ε/4</c> or <c>required</c>.</summary>
    public string DefaultText => Default switch
    {
        { } v when Setting == AttackSetting.RandomStart => v != 0 ? "true" : "false",
        { } v => v.ToString(CultureInfo.InvariantCulture),
        null when Setting == AttackSetting.StepSize => "ε/4",
        null => "required",
    };

    /// <summary>The valid range as shown in tables and messages, e.g. <c>&gt; 0</c>, <c>≥ 1</c> or <c>(0, 1]</c>.</summary>
    public string RangeText
    {
        get
        {
            if (Setting == AttackSetting.RandomStart)
            {
                return "true or false";
            }

            var low = $"{(MinExclusive ? ">" : "≥")} {Min.ToString(CultureInfo.InvariantCulture)}";
            return double.IsPositiveInfinity(Max) || Max >= int.MaxValue
                ? low
                : $"{(MinExclusive ? "(" : "[")}{Min.ToString(CultureInfo.InvariantCulture)}, {Max.ToString(CultureInfo.InvariantCulture)}]";
        }
    }

    /// <summary>The budget ε, required (no default fits every input domain).</summary>
    /// <param name="description">What ε means for this attack.</param>
    /// <param name="max">Largest valid ε (1 for a fraction of pixels).</param>
    public static AttackParameter Epsilon(string description = "perturbation budget ε in input units", double max = double.PositiveInfinity) =>
        new(AttackSetting.Epsilon, description, null, 0, true, max);

    /// <summary>Iterations.</summary>
    /// <param name="defaultValue">The attack's default.</param>
    /// <param name="description">What one step is for this attack.</param>
    public static AttackParameter Steps(int defaultValue, string description = "iterations") =>
        new(AttackSetting.Steps, description, defaultValue, 1, false, int.MaxValue);

    /// <summary>The fixed step size α; by default ε/4, or <paramref name="defaultValue"/> when given.</summary>
    /// <param name="description">What the step is for this attack.</param>
    /// <param name="defaultValue">A fixed default instead of ε/4.</param>
    public static AttackParameter StepSize(string description = "step size α", double? defaultValue = null) =>
        new(AttackSetting.StepSize, description, defaultValue, 0, true, double.PositiveInfinity);

    /// <summary>Random restarts, default 1.</summary>
    public static AttackParameter Restarts() =>
        new(AttackSetting.Restarts, "runs from fresh random starts; each sample keeps its best", 1, 1, false, int.MaxValue);

    /// <summary>Whether to start from a uniform random point of the ε-ball.</summary>
    /// <param name="defaultValue">The attack's default.</param>
    public static AttackParameter RandomStart(bool defaultValue) =>
        new(AttackSetting.RandomStart, "start from a uniform random point of the ε-ball (false: the clean input)", defaultValue ? 1 : 0, 0, false, 1);

    /// <summary>Query budget per sample, at least 3 (two go to the clean and final predictions).</summary>
    /// <param name="defaultValue">The attack's default.</param>
    public static AttackParameter MaxQueries(int defaultValue = 1000) =>
        new(AttackSetting.MaxQueries, "queries per sample, the clean and final predictions included", defaultValue, 3, false, int.MaxValue);

    /// <summary>Random draws per sample.</summary>
    /// <param name="defaultValue">The attack's default.</param>
    public static AttackParameter Trials(int defaultValue = 10) =>
        new(AttackSetting.Trials, "random draws per sample; each keeps its first success, else its worst draw", defaultValue, 1, false, int.MaxValue);

    /// <summary>Wrong classes a targeted loss runs through, highest-scoring first.</summary>
    /// <param name="defaultValue">The attack's default.</param>
    public static AttackParameter TargetClasses(int defaultValue = 9) =>
        new(AttackSetting.TargetClasses, "top-scoring wrong classes targeted in turn", defaultValue, 1, false, int.MaxValue);

    /// <summary>The snake_case name of a setting.</summary>
    public static string NameOf(AttackSetting setting) => setting switch
    {
        AttackSetting.Epsilon => "epsilon",
        AttackSetting.Steps => "steps",
        AttackSetting.StepSize => "step_size",
        AttackSetting.Restarts => "restarts",
        AttackSetting.RandomStart => "random_start",
        AttackSetting.MaxQueries => "max_queries",
        AttackSetting.Trials => "trials",
        AttackSetting.TargetClasses => "target_classes",
        _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, "not an AttackSetting."),
    };

    /// <summary>Whether <paramref name="value"/> lies in the valid range (NaN never does).</summary>
    public bool Accepts(double value) =>
        (MinExclusive ? value > Min : value >= Min) && value <= Max;
}
