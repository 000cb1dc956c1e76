using System.Globalization;
using Gauntlet.Core.IO;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gauntlet.Data;

/// <summary>How a tabular feature may take values.</summary>
public enum FeatureKind
{
    /// <summary>Any real value (within its bounds; on its step grid when a step is given).</summary>
    Numeric,

    /// <summary>Whole multiples of its step (default 1) from its minimum (or zero).</summary>
    Integer,

    /// <summary>One of a listed set of codes.</summary>
    Categorical,
}

/// <summary>The constraints on one feature column.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Kind">Numeric, integer or categorical.</param>
/// <param name="Min">The lowest valid value, or null.</param>
/// <param name="Max">The highest valid value, or null.</param>
/// <param name="Step">The grid step for integer (default 1) and stepped numeric features; 0 for none.</param>
/// <param name="Immutable">True when an attacker (or applicant) cannot change it (sex, age at application).</param>
/// <param name="Direction">+1 when it may only increase (age, tenure), −1 only decrease, 0 either way.</param>
/// <param name="Values">The codes of a categorical feature, ascending.</param>
public sealed record FeatureSpec(string Name, FeatureKind Kind, float? Min, float? Max, float Step, bool Immutable, int Direction, float[]? Values);

/// <summary>
/// Constraints on a table's feature columns (<c>--schema schema.yaml</c>, docs/tabular.md), so that
/// attacks produce valid records: immutable features stay, bounds hold, integer features stay
/// whole, categorical codes stay among their values, one-hot column groups keep exactly one 1, and
/// monotone features (an age) never move the wrong way. Columns not named are numeric and free.
/// </summary>
public sealed class TabularSchema
{
    private static readonly string[] FeatureKeys = ["type", "min", "max", "step", "immutable", "direction", "values"];

    private TabularSchema(FeatureSpec[] features, int[][] oneHot, string source)
    {
        Features = features;
        OneHotGroups = oneHot;
        Source = source;
    }

    /// <summary>One spec per feature column, in column order.</summary>
    public IReadOnlyList<FeatureSpec> Features { get; }

    /// <summary>Groups of feature columns holding one one-hot encoded category (indices into <see cref="Features"/>).</summary>
    public IReadOnlyList<int[]> OneHotGroups { get; }

    /// <summary>The schema file, or "no schema".</summary>
    public string Source { get; }

    /// <summary>True when some feature may change.</summary>
    public bool AnyMutable => Features.Any(f => !f.Immutable);

    /// <summary>A schema with every column numeric and unconstrained.</summary>
    /// <param name="columns">The feature column names.</param>
    /// <returns>The schema.</returns>
    public static TabularSchema Unconstrained(IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        return new([.. columns.Select(c => new FeatureSpec(c, FeatureKind.Numeric, null, null, 0, false, 0, null))], [], "no schema");
    }

    /// <summary>Reads a schema file through <see cref="InputFile"/> and binds it to the table's columns.</summary>
    /// <param name="path">The YAML (or JSON) file.</param>
    /// <param name="columns">The feature column names of the table.</param>
    /// <returns>The schema.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid YAML or breaks a rule; one line naming the file and the key.</exception>
    public static TabularSchema Load(string path, IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"schema file not found: {path}", path);
        }

        return Parse(InputFile.ReadAllText(path, "schema file", InputLimits.DocumentBytes), path, columns);
    }

    /// <summary>Parses schema text and binds it to the table's columns.</summary>
    /// <param name="text">The YAML.</param>
    /// <param name="source">The name used in errors.</param>
    /// <param name="columns">The feature column names of the table.</param>
    /// <returns>The schema.</returns>
    /// <exception cref="InvalidDataException">The text is not valid YAML or breaks a rule; one line naming the source and the key.</exception>
    public static TabularSchema Parse(string text, string source, IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(columns);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            throw new InvalidDataException($"{source}: not valid YAML ({ex.Message.Split('\n')[0]}).");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new InvalidDataException($"{source}: expected a mapping with 'features' (and optionally 'one_hot').");
        }

        Exception Error(string key, string what) => new InvalidDataException($"{source}: {key}: {what}.");
        foreach (var key in root.Children.Keys.Select(k => (k as YamlScalarNode)?.Value ?? "?"))
        {
            if (key is not ("features" or "one_hot"))
            {
                throw Error(key, "unknown key (expected features, one_hot)");
            }
        }

        var index = columns.Select((c, i) => (c, i)).GroupBy(t => t.c, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        int Column(string name, string key) => index.TryGetValue(name, out var i) ? i
            : throw Error(key, $"no feature column '{name}' in the table (columns: {string.Join(", ", columns)})");

        var specs = columns.Select(c => new FeatureSpec(c, FeatureKind.Numeric, null, null, 0, false, 0, null)).ToArray();
        if (root.Children.TryGetValue(new YamlScalarNode("features"), out var featuresNode))
        {
            if (featuresNode is not YamlMappingNode features)
            {
                throw Error("features", "expected a mapping of column name to its constraints");
            }

            foreach (var (keyNode, valueNode) in features.Children)
            {
                var name = (keyNode as YamlScalarNode)?.Value ?? "";
                var key = $"features.{name}";
                var column = Column(name, key);
                specs[column] = ReadFeature(name, key, valueNode, Error);
            }
        }

        var groups = new List<int[]>();
        if (root.Children.TryGetValue(new YamlScalarNode("one_hot"), out var oneHotNode))
        {
            if (oneHotNode is not YamlSequenceNode list)
            {
                throw Error("one_hot", "expected a list of column-name lists");
            }

            var used = new HashSet<int>();
            for (var g = 0; g < list.Children.Count; g++)
            {
                var key = $"one_hot[{g}]";
                if (list.Children[g] is not YamlSequenceNode members || members.Children.Count < 2)
                {
                    throw Error(key, "expected a list of at least two column names");
                }

                var group = members.Children.Select(m => Column((m as YamlScalarNode)?.Value ?? "", key)).ToArray();
                foreach (var c in group)
                {
                    if (!used.Add(c))
                    {
                        throw Error(key, $"column '{columns[c]}' is in more than one one-hot group (or twice in one)");
                    }

                    specs[c] = specs[c] with { Kind = FeatureKind.Categorical, Values = [0f, 1f], Min = 0f, Max = 1f };
                }

                groups.Add(group);
            }
        }

        return new TabularSchema(specs, [.. groups], source);
    }

    private static FeatureSpec ReadFeature(string name, string key, YamlNode node, Func<string, string, Exception> error)
    {
        if (node is not YamlMappingNode map)
        {
            throw error(key, "expected a mapping (type, min, max, step, immutable, direction, values)");
        }

        foreach (var k in map.Children.Keys.Select(k => (k as YamlScalarNode)?.Value ?? "?"))
        {
            if (!FeatureKeys.Contains(k, StringComparer.Ordinal))
            {
                throw error($"{key}.{k}", $"unknown key (expected {string.Join(", ", FeatureKeys)})");
            }
        }

        string? Scalar(string k) => map.Children.TryGetValue(new YamlScalarNode(k), out var v)
            ? (v as YamlScalarNode)?.Value ?? throw error($"{key}.{k}", "expected a single value")
            : null;
        float? Number(string k)
        {
            if (Scalar(k) is not { } s)
            {
                return null;
            }

            return float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && float.IsFinite(v) ? v
                : throw error($"{key}.{k}", $"'{s}' is not a finite number");
        }

        var type = Scalar("type") ?? "numeric";
        var kind = type switch
        {
            "numeric" => FeatureKind.Numeric,
            "integer" => FeatureKind.Integer,
            "categorical" => FeatureKind.Categorical,
            _ => throw error($"{key}.type", $"'{type}' is not numeric, integer or categorical"),
        };
        var min = Number("min");
        var max = Number("max");
        if (min is { } lo && max is { } hi && lo > hi)
        {
            throw error(key, $"min {lo} is above max {hi}");
        }

        var step = Number("step") ?? (kind == FeatureKind.Integer ? 1f : 0f);
        if (step < 0 || (kind == FeatureKind.Integer && (step < 1 || step != MathF.Floor(step))))
        {
            throw error($"{key}.step", $"{step} is not {(kind == FeatureKind.Integer ? "a positive whole number" : "positive")}");
        }

        var immutable = Scalar("immutable") switch
        {
            null or "false" => false,
            "true" => true,
            var s => throw error($"{key}.immutable", $"'{s}' is not true or false"),
        };
        var direction = Scalar("direction") switch
        {
            null or "any" => 0,
            "increase" => 1,
            "decrease" => -1,
            var s => throw error($"{key}.direction", $"'{s}' is not increase, decrease or any"),
        };
        float[]? values = null;
        if (map.Children.TryGetValue(new YamlScalarNode("values"), out var valuesNode))
        {
            if (kind != FeatureKind.Categorical)
            {
                throw error($"{key}.values", "only categorical features list values");
            }

            if (valuesNode is not YamlSequenceNode seq || seq.Children.Count == 0)
            {
                throw error($"{key}.values", "expected a non-empty list of numeric codes");
            }

            values = [.. seq.Children.Select(v => (v as YamlScalarNode)?.Value is { } s && float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && float.IsFinite(f)
                ? f : throw error($"{key}.values", $"'{(v as YamlScalarNode)?.Value ?? "a non-scalar"}' is not a numeric code (encode categories as numbers in the CSV)")).Distinct().Order()];
        }
        else if (kind == FeatureKind.Categorical)
        {
            throw error($"{key}.values", "a categorical feature needs its list of codes");
        }

        return new FeatureSpec(name, kind, min, max, step, immutable, direction, values);
    }

    /// <summary>Checks that the schema fits <paramref name="count"/> feature columns.</summary>
    /// <param name="count">The model's or table's feature count.</param>
    /// <exception cref="InvalidDataException">The counts differ.</exception>
    public void CheckWidth(int count)
    {
        if (count != Features.Count)
        {
            throw new InvalidDataException($"{Source}: the schema describes {Features.Count} feature columns but the records have {count}.");
        }
    }

    /// <summary>
    /// The first constraint <paramref name="record"/> breaks, as one line, or null when it is valid;
    /// with <paramref name="original"/>, also immutable and monotone features against the original record.
    /// </summary>
    /// <param name="record">The candidate record (one value per feature).</param>
    /// <param name="original">The record it was derived from, or empty.</param>
    /// <returns>The violation or null.</returns>
    public string? Violation(ReadOnlySpan<float> record, ReadOnlySpan<float> original = default)
    {
        CheckWidth(record.Length);
        for (var i = 0; i < record.Length; i++)
        {
            var f = Features[i];
            var v = record[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"{f.Name} = {v}");
            if (!float.IsFinite(v))
            {
                return $"{at} is not finite";
            }

            if (f.Min is { } lo && v < lo)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{at} is below its minimum {lo}");
            }

            if (f.Max is { } hi && v > hi)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{at} is above its maximum {hi}");
            }

            if (f.Kind == FeatureKind.Categorical && f.Values is { } values && Array.IndexOf(values, v) < 0)
            {
                return $"{at} is not one of its codes {string.Join(", ", values.Select(c => c.ToString(CultureInfo.InvariantCulture)))}";
            }

            if (f.Step > 0 && f.Kind != FeatureKind.Categorical && !OnGrid(v, f))
            {
                return string.Create(CultureInfo.InvariantCulture, $"{at} is not on its step {f.Step}");
            }

            if (original.Length == record.Length)
            {
                if (f.Immutable && v != original[i])
                {
                    return string.Create(CultureInfo.InvariantCulture, $"{at} changed from {original[i]} but is immutable");
                }

                if ((f.Direction > 0 && v < original[i]) || (f.Direction < 0 && v > original[i]))
                {
                    return string.Create(CultureInfo.InvariantCulture, $"{at} moved from {original[i]} against its direction ({(f.Direction > 0 ? "increase" : "decrease")} only)");
                }
            }
        }

        foreach (var group in OneHotGroups)
        {
            var ones = 0;
            foreach (var c in group)
            {
                ones += record[c] == 1f ? 1 : 0;
            }

            if (ones != 1)
            {
                return $"one-hot group {string.Join("/", group.Select(c => Features[c].Name))} has {ones} columns set; expected exactly one";
            }
        }

        return null;
    }

    /// <summary>
    /// Moves <paramref name="candidate"/> onto the valid set nearest it, given the record it came
    /// from: immutable features are restored, monotone ones kept on their side, bounds clipped,
    /// integer and stepped features rounded to their grid (within bounds), categorical codes set to
    /// the nearest code, and each one-hot group to its largest column.
    /// </summary>
    /// <param name="candidate">The record to repair in place.</param>
    /// <param name="original">The valid record it was derived from.</param>
    public void Project(Span<float> candidate, ReadOnlySpan<float> original)
    {
        CheckWidth(candidate.Length);
        for (var i = 0; i < candidate.Length; i++)
        {
            var f = Features[i];
            var v = float.IsFinite(candidate[i]) ? candidate[i] : original[i];
            if (f.Immutable)
            {
                candidate[i] = original[i];
                continue;
            }

            if (f.Direction > 0)
            {
                v = Math.Max(v, original[i]);
            }
            else if (f.Direction < 0)
            {
                v = Math.Min(v, original[i]);
            }

            v = Clip(v, f);
            if (f.Kind == FeatureKind.Categorical && f.Values is { } values && !IsInGroup(i))
            {
                v = values.MinBy(c => Math.Abs(c - v));
            }
            else if (f.Step > 0 && f.Kind != FeatureKind.Categorical)
            {
                var origin = f.Min ?? 0f;
                var snapped = origin + (MathF.Round((v - origin) / f.Step) * f.Step);
                if (f.Max is { } hi && snapped > hi)
                {
                    snapped -= f.Step;
                }

                if (f.Min is { } lo && snapped < lo)
                {
                    snapped += f.Step;
                }

                // Keep the monotone side after rounding.
                if ((f.Direction > 0 && snapped < original[i]) || (f.Direction < 0 && snapped > original[i]))
                {
                    snapped = original[i];
                }

                v = snapped;
            }

            candidate[i] = v;
        }

        foreach (var group in OneHotGroups)
        {
            if (group.Any(c => Features[c].Immutable))
            {
                foreach (var c in group)
                {
                    candidate[c] = original[c];
                }

                continue;
            }

            var best = group[0];
            foreach (var c in group)
            {
                best = candidate[c] > candidate[best] ? c : best;
            }

            foreach (var c in group)
            {
                candidate[c] = c == best ? 1f : 0f;
            }
        }
    }

    private bool IsInGroup(int column) => OneHotGroups.Any(g => g.Contains(column));

    private static float Clip(float v, FeatureSpec f)
    {
        if (f.Min is { } lo && v < lo)
        {
            v = lo;
        }

        if (f.Max is { } hi && v > hi)
        {
            v = hi;
        }

        return v;
    }

    private static bool OnGrid(float v, FeatureSpec f)
    {
        var k = (v - (f.Min ?? 0f)) / f.Step;
        return MathF.Abs(k - MathF.Round(k)) <= 1e-4f * Math.Max(1f, MathF.Abs(k));
    }
}
