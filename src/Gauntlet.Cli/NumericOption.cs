using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Gauntlet.Core;

namespace Gauntlet.Cli;

/// <summary>
/// The one way commands declare numeric options. Each option parses its own text (no
/// System.CommandLine type-name errors), refuses NaN, ±∞ and values outside its range with one
/// message naming the option and the range, and refuses values over a documented limit
/// (<see cref="RunLimits"/>) unless the command line carries <see cref="RunLimits.CliSwitch"/>.
/// </summary>
/// <remarks>
/// Whole numbers accept integer syntax only ('1e3' is refused, not rounded); real numbers accept
/// invariant-culture floating-point syntax. The range is the hard validity range; the limit, where
/// given, is a soft bound inside it that keeps loops and allocations bounded.
/// </remarks>
internal static class NumericOption
{
    // What each option built here accepts, so tests can enumerate every numeric option of every
    // command and derive the values it must refuse.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Option, NumericSpec> Specs = [];

    /// <summary>What <paramref name="option"/> accepts, or null if it was not built by this helper.</summary>
    public static NumericSpec? SpecOf(Option option) => Specs.TryGetValue(option, out var spec) ? spec : null;

    /// <summary>The <c>--no-limits</c> switch; add it to every command that declares an option with a limit.</summary>
    public static Option<bool> NoLimits() => new(RunLimits.CliSwitch)
    {
        Description = "Lift the documented limits on loop counts, batch sizes and the learning rate (docs/limits.md); values must still be in range.",
    };

    /// <summary>A whole-number option with a default.</summary>
    /// <param name="name">The option, e.g. <c>--steps</c>.</param>
    /// <param name="description">The help text; the range and limit are appended.</param>
    /// <param name="defaultValue">The value when the option is absent.</param>
    /// <param name="min">Smallest valid value.</param>
    /// <param name="max">Largest valid value.</param>
    /// <param name="limit">Largest value allowed without <c>--no-limits</c>, or null for none.</param>
    public static Option<int> Int(string name, string description, int defaultValue, int min, int max = int.MaxValue, int? limit = null)
    {
        var option = new Option<int>(name) { Description = Describe(description, "A whole number " + IntRange(min, max), limit), DefaultValueFactory = _ => defaultValue };
        option.CustomParser = result => ParseInt(result, name, min, max, limit) ?? defaultValue;
        return Register(option, new NumericSpec(true, new RealRange(min, max), limit));
    }

    /// <summary>A whole-number option that is null when absent.</summary>
    /// <inheritdoc cref="Int" path="/param"/>
    public static Option<int?> OptionalInt(string name, string description, int min, int max = int.MaxValue, int? limit = null)
    {
        var option = new Option<int?>(name) { Description = Describe(description, "A whole number " + IntRange(min, max), limit) };
        option.CustomParser = result => ParseInt(result, name, min, max, limit);
        return Register(option, new NumericSpec(true, new RealRange(min, max), limit));
    }

    /// <summary>A single-precision option with a default.</summary>
    /// <param name="name">The option, e.g. <c>--eps</c>.</param>
    /// <param name="description">The help text; the range is appended.</param>
    /// <param name="defaultValue">The value when the option is absent.</param>
    /// <param name="range">The valid values; NaN and ±∞ are never valid.</param>
    /// <param name="limit">Largest value allowed without <c>--no-limits</c>, or null for none.</param>
    public static Option<float> Float(string name, string description, float defaultValue, RealRange range, double? limit = null)
    {
        var option = new Option<float>(name) { Description = Describe(description, $"A number in {range}", limit), DefaultValueFactory = _ => defaultValue };
        option.CustomParser = result => ParseReal(result, name, range, limit) is { } v ? (float)v : defaultValue;
        return Register(option, new NumericSpec(false, range, limit));
    }

    /// <summary>A single-precision option that is null when absent.</summary>
    /// <inheritdoc cref="Float" path="/param"/>
    public static Option<float?> OptionalFloat(string name, string description, RealRange range, double? limit = null)
    {
        var option = new Option<float?>(name) { Description = Describe(description, $"A number in {range}", limit) };
        option.CustomParser = result => ParseReal(result, name, range, limit) is { } v ? (float)v : null;
        return Register(option, new NumericSpec(false, range, limit));
    }

    /// <summary>A double-precision option that is null when absent.</summary>
    /// <inheritdoc cref="Float" path="/param"/>
    public static Option<double?> OptionalDouble(string name, string description, RealRange range, double? limit = null)
    {
        var option = new Option<double?>(name) { Description = Describe(description, $"A number in {range}", limit) };
        option.CustomParser = result => ParseReal(result, name, range, limit);
        return Register(option, new NumericSpec(false, range, limit));
    }

    /// <summary>
    /// Checks a comma-separated list of per-channel numbers (<c>--mean</c>, <c>--std</c>) at parse
    /// time: every item a finite number, and positive where <paramref name="positive"/>.
    /// </summary>
    public static void ValidateList(Option<string?> option, bool positive)
    {
        option.Validators.Add(result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
            if (text is null)
            {
                return;
            }

            foreach (var part in text.Split(','))
            {
                if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || Math.Abs(value) > float.MaxValue)
                {
                    result.AddError($"{option.Name}: '{part}' is not a finite number (expected comma-separated values, one per channel).");
                    return;
                }

                if (positive && !(value > 0))
                {
                    result.AddError($"{option.Name}: {part} must be positive (a standard deviation divides the input).");
                    return;
                }
            }
        });
    }

    /// <summary>
    /// Refuses the options in <paramref name="dependents"/> when <paramref name="parent"/> is not
    /// given: they would be silently ignored otherwise.
    /// </summary>
    public static void RequireWith(Command command, Option parent, params Option[] dependents)
    {
        command.Validators.Add(result =>
        {
            if (result.GetResult(parent) is { Implicit: false })
            {
                return;
            }

            foreach (var dependent in dependents)
            {
                if (result.GetResult(dependent) is { Implicit: false })
                {
                    result.AddError($"{dependent.Name} only applies with {parent.Name}; add {parent.Name} or drop {dependent.Name}.");
                    return;
                }
            }
        });
    }

    /// <summary>Whether the command line of <paramref name="parse"/> lifts the limits.</summary>
    public static bool LimitsLifted(ParseResult parse) => parse.GetResult(RunLimits.CliSwitch) is OptionResult r && r.GetValueOrDefault<bool>();

    /// <summary>
    /// Refuses batches of <paramref name="batch"/> samples of <paramref name="set"/> (capped at its
    /// count) that exceed <see cref="RunLimits.MaxBatchElements"/> values, or without
    /// <c>--no-limits</c> lifted <see cref="RunLimits.MaxBatchElementsHard"/>.
    /// </summary>
    /// <exception cref="UserInputException">The batch tensor would be too large.</exception>
    public static void CheckBatch(ParseResult parse, string option, int batch, Gauntlet.Data.LabeledImages set)
    {
        var count = Math.Max(set.Count, 1);
        var sampleSize = set.Images.Size / count;
        if (RunLimits.BatchProblem(Math.Min(batch, count), sampleSize, LimitsLifted(parse), RunLimits.CliSwitch) is { } problem)
        {
            throw new UserInputException($"{option}: {problem}.");
        }
    }

    // Messages name the option as the user typed it: an alias (--limit for --samples) stays recognisable.
    private static string AsTyped(ArgumentResult result, string name) =>
        result.Parent is OptionResult { IdentifierToken.Value: { Length: > 0 } typed } ? typed : name;

    private static T Register<T>(T option, NumericSpec spec)
        where T : Option
    {
        Specs.AddOrUpdate(option, spec);
        return option;
    }

    private static int? ParseInt(ArgumentResult result, string name, int min, int max, int? limit)
    {
        name = AsTyped(result, name);
        var text = Token(result);
        if (text is null)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            result.AddError($"{name}: '{text}' is not a whole number {IntRange(min, max)}.");
            return null;
        }

        if (limit is { } l && value > l && !Lifted(result))
        {
            result.AddError(OverLimit(name, RunLimits.Format(value), RunLimits.Format(l)));
            return null;
        }

        return (int)value;
    }

    private static double? ParseReal(ArgumentResult result, string name, RealRange range, double? limit)
    {
        name = AsTyped(result, name);
        var text = Token(result);
        if (text is null)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            result.AddError($"{name}: '{text}' is not a finite number; expected a number in {range}.");
            return null;
        }

        if (!range.Contains(value))
        {
            result.AddError($"{name}: {text} is out of range; expected a number in {range}.");
            return null;
        }

        if (limit is { } l && value > l && !Lifted(result))
        {
            result.AddError(OverLimit(name, text, l.ToString(CultureInfo.InvariantCulture)));
            return null;
        }

        return value;
    }

    // The last token wins, as System.CommandLine does for a repeated single-valued option.
    private static string? Token(ArgumentResult result) => result.Tokens.Count == 0 ? null : result.Tokens[^1].Value;

    private static bool Lifted(ArgumentResult result) => result.GetResult(RunLimits.CliSwitch) is OptionResult r && r.GetValueOrDefault<bool>();

    private static string OverLimit(string name, string value, string limit) =>
        $"{name}: {value} is over the limit of {limit} (docs/limits.md); pass {RunLimits.CliSwitch} to allow it.";

    private static string IntRange(int min, int max) => $"between {RunLimits.Format(min)} and {RunLimits.Format(max)}";

    private static string Describe(string description, string range, double? limit) =>
        limit is { } l
            ? $"{description} {range}; at most {l.ToString("#,0.###", CultureInfo.InvariantCulture)} unless {RunLimits.CliSwitch}."
            : $"{description} {range}.";
}

/// <summary>What a numeric option accepts.</summary>
/// <param name="Whole">Whole numbers only.</param>
/// <param name="Range">The valid values.</param>
/// <param name="Limit">The largest value allowed without <c>--no-limits</c>, or null.</param>
internal sealed record NumericSpec(bool Whole, RealRange Range, double? Limit);

/// <summary>A range of real numbers, each end open or closed; never contains NaN or ±∞.</summary>
/// <param name="Min">Lower end.</param>
/// <param name="Max">Upper end.</param>
/// <param name="MinExclusive">Whether <paramref name="Min"/> itself is excluded.</param>
/// <param name="MaxExclusive">Whether <paramref name="Max"/> itself is excluded.</param>
internal readonly record struct RealRange(double Min, double Max, bool MinExclusive = false, bool MaxExclusive = false)
{
    /// <summary>(0, max]: positive values up to <paramref name="max"/>.</summary>
    public static RealRange Positive(double max) => new(0, max, MinExclusive: true);

    /// <summary>[min, max].</summary>
    public static RealRange Closed(double min, double max) => new(min, max);

    /// <summary>Whether <paramref name="value"/> is finite and in the range.</summary>
    public bool Contains(double value) =>
        double.IsFinite(value)
        && (MinExclusive ? value > Min : value >= Min)
        && (MaxExclusive ? value < Max : value <= Max);

    /// <summary>Interval notation, e.g. <c>(0, 1]</c>.</summary>
    public override string ToString() =>
        $"{(MinExclusive ? "(" : "[")}{Min.ToString("G", CultureInfo.InvariantCulture)}, {(Max >= 1e7 ? Max.ToString("G3", CultureInfo.InvariantCulture) : Max.ToString("#,0.###", CultureInfo.InvariantCulture))}{(MaxExclusive ? ")" : "]")}";
}
