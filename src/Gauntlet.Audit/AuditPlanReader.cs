using System.Globalization;
using Gauntlet.Attacks;
using Gauntlet.Attacks.Registry;
using Gauntlet.Core;
using Gauntlet.Core.IO;
using Gauntlet.Models;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Gauntlet.Audit;

/// <summary>
/// Reads an audit plan from YAML or JSON (JSON is read as YAML, of which it is a subset). Keys are
/// snake_case; every key is optional and falls back to <see cref="AuditPlan.Default"/>. Errors name
/// the file, the key path and what was expected.
/// </summary>
public static class AuditPlanReader
{
    private static readonly string[] PlanKeys = ["samples", "seed", "batch", "pgd_steps", "apgd_steps", "apgd_target_classes", "max_queries", "noise_trials", "time_budget_seconds", "allow_unbounded", "threats", "thresholds", "assessments"];
    private static readonly string[] ThreatKeys = ["name", "norm", "epsilons", "reference_epsilon", "attacks"];

    /// <summary>Largest <c>time_budget_seconds</c> (and <c>--time-budget</c>): one year.</summary>
    public const double MaxTimeBudgetSeconds = 31_536_000;

    /// <summary>Reads and validates a plan file, read through <see cref="InputFile"/> (a regular file within <see cref="InputLimits.DocumentBytes"/>).</summary>
    /// <param name="path">The plan file.</param>
    /// <param name="allowUnbounded">Lift the limits as <c>allow_unbounded: true</c> would (the CLI's <c>--no-limits</c>).</param>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The path is a folder, not a regular file or too large; the file is not valid YAML/JSON, nests too deeply, or a field is wrong; the message says which.</exception>
    public static AuditPlan Load(string path, bool allowUnbounded = false) => Parse(InputFile.ReadAllText(path, "audit plan", InputLimits.DocumentBytes), path, allowUnbounded);

    /// <summary>
    /// Parses and validates plan text; <paramref name="source"/> names it in errors. Before the document
    /// is built, a pass over the parser's events refuses nesting deeper than
    /// <see cref="InputLimits.MaxNestingDepth"/>: building the node tree recurses once per level, so a
    /// deep enough document would otherwise overflow the stack and kill the process.
    /// </summary>
    /// <param name="text">The YAML or JSON text.</param>
    /// <param name="source">What the text is called in errors (its path).</param>
    /// <param name="allowUnbounded">Lift the limits as <c>allow_unbounded: true</c> would (the CLI's <c>--no-limits</c>).</param>
    /// <exception cref="InvalidDataException">The text is not valid YAML/JSON, nests too deeply, or a field is wrong.</exception>
    public static AuditPlan Parse(string text, string source, bool allowUnbounded = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stream = new YamlStream();
        try
        {
            CheckDepth(text, source);
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{source}: not valid YAML or JSON at line {ex.Start.Line}, column {ex.Start.Column}: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet's parser reports some malformed streams (found by fuzzing) as a bad state rather than a YamlException.
            throw new InvalidDataException($"{source}: not valid YAML or JSON: {ex.Message}");
        }

        if (stream.Documents.Count == 0)
        {
            return Validate(AuditPlan.Default with { AllowUnbounded = allowUnbounded }, source);
        }

        var root = stream.Documents[0].RootNode as YamlMappingNode
            ?? throw new InvalidDataException($"{source}: the plan must be a mapping of keys (samples, seed, threats, …).");
        var reader = new NodeReader(source);
        reader.RejectUnknown(root, PlanKeys, "");
        var defaults = AuditPlan.Default;
        var plan = new AuditPlan
        {
            Samples = reader.Int(root, "samples", defaults.Samples, min: 1),
            Seed = reader.Int(root, "seed", defaults.Seed, min: int.MinValue),
            Batch = reader.Int(root, "batch", defaults.Batch, min: 1),
            PgdSteps = reader.Int(root, "pgd_steps", defaults.PgdSteps, min: 1),
            ApgdSteps = reader.Int(root, "apgd_steps", defaults.ApgdSteps, min: 1),
            ApgdTargetClasses = reader.Int(root, "apgd_target_classes", defaults.ApgdTargetClasses, min: 1),
            MaxQueries = reader.Int(root, "max_queries", defaults.MaxQueries, min: 3),
            NoiseTrials = reader.Int(root, "noise_trials", defaults.NoiseTrials, min: 1),
            TimeBudgetSeconds = reader.Number(root, "time_budget_seconds", defaults.TimeBudgetSeconds, "time_budget_seconds", MaxTimeBudgetSeconds),
            AllowUnbounded = allowUnbounded || reader.Bool(root, "allow_unbounded"),
            Threats = root.Children.TryGetValue(new YamlScalarNode("threats"), out var threats) ? ReadThreats(reader, threats) : defaults.Threats,
            Thresholds = root.Children.TryGetValue(new YamlScalarNode("thresholds"), out var thresholds) ? ReadThresholds(reader, thresholds) : defaults.Thresholds,
            Assessments = root.Children.TryGetValue(new YamlScalarNode("assessments"), out var assessments)
                ? [.. reader.Sequence(assessments, "assessments").Children.Select((a, k) => reader.Scalar(a, $"assessments[{k}]").ToLowerInvariant())]
                : defaults.Assessments,
        };
        return Validate(plan, source);
    }

    // The event parser keeps its own stack of states, so walking its events is safe at any depth.
    private static void CheckDepth(string text, string source)
    {
        var max = InputLimits.MaxNestingDepth;
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case MappingStart or SequenceStart:
                    if (++depth > max)
                    {
                        var at = parser.Current!.Start;
                        throw new InvalidDataException($"{source}: nested more than {max} levels deep at line {at.Line}, column {at.Column}; plans need a few ({InputLimits.MaxNestingDepthVariable} raises the limit).");
                    }

                    break;
                case MappingEnd or SequenceEnd:
                    depth--;
                    break;
            }
        }
    }

    /// <summary>
    /// Checks cross-field rules (unique threat names, ascending budgets, thresholds naming real
    /// threats and budgets) and, unless <see cref="AuditPlan.AllowUnbounded"/>, the documented
    /// limits on samples, batch and attack strengths (<see cref="RunLimits"/>).
    /// </summary>
    /// <exception cref="InvalidDataException">A rule is broken.</exception>
    public static AuditPlan Validate(AuditPlan plan, string source)
    {
        CheckCounts(plan, source);
        if (plan.Assessments is { } modules)
        {
            if (modules.Count == 0)
            {
                throw new InvalidDataException($"{source}: assessments: name at least one module ({string.Join(", ", Assessments.AssessmentCatalog.Ids)}), or leave the key out to run them all.");
            }

            foreach (var id in modules.Where(m => !Assessments.AssessmentCatalog.Contains(m)))
            {
                throw new InvalidDataException($"{source}: assessments: unknown module '{id}'; expected one of {string.Join(", ", Assessments.AssessmentCatalog.Ids)}.");
            }
        }

        if (plan.Threats.Count == 0)
        {
            throw new InvalidDataException($"{source}: threats: at least one threat model is needed.");
        }

        for (var t = 0; t < plan.Threats.Count; t++)
        {
            var threat = plan.Threats[t];
            var at = $"{source}: threats[{t}] ({threat.Name})";
            if (plan.Threats.Take(t).Any(o => o.Name == threat.Name))
            {
                throw new InvalidDataException($"{at}: the name is used twice; threat names must be unique.");
            }

            if (threat.Norm is not ("linf" or "l2"))
            {
                throw new InvalidDataException($"{at}.norm: '{threat.Norm}' is not linf or l2.");
            }

            if (threat.Epsilons.Count == 0 || threat.Epsilons.Any(e => !(e > 0) || !float.IsFinite(e)))
            {
                throw new InvalidDataException($"{at}.epsilons: expected a non-empty list of positive numbers.");
            }

            if (threat.Epsilons.Zip(threat.Epsilons.Skip(1)).Any(p => p.Second <= p.First))
            {
                throw new InvalidDataException($"{at}.epsilons: [{string.Join(", ", threat.Epsilons.Select(e => e.ToString(CultureInfo.InvariantCulture)))}] must be strictly ascending.");
            }

            if (threat.ReferenceEpsilon is { } reference && !threat.Epsilons.Contains(reference))
            {
                throw new InvalidDataException($"{at}.reference_epsilon: {reference.ToString(CultureInfo.InvariantCulture)} is not one of the threat's epsilons.");
            }

            if (threat.Attacks.Count == 0)
            {
                throw new InvalidDataException($"{at}.attacks: expected at least one attack.");
            }

            foreach (var attack in threat.Attacks.Where(a => !AttackCatalog.Contains(a)))
            {
                var why = AttackRegistry.TryFind(attack) is null ? $"unknown attack '{attack}'" : $"'{attack}' cannot run in an audit (it is not an evasion attack bounded by an ε-ball in linf or l2)";
                throw new InvalidDataException($"{at}.attacks: {why}; expected one of {string.Join(", ", AttackCatalog.All.Select(a => a.Name))}.");
            }

            var norm = threat.Norm == "l2" ? Norm.L2 : Norm.Linf;
            foreach (var attack in threat.Attacks.Where(a => !AttackCatalog.Supports(a, norm)))
            {
                throw new InvalidDataException($"{at}.attacks: '{attack}' does not support norm {threat.Norm}; it supports {string.Join(" and ", AttackRegistry.Find(attack).Norms.Select(AttackDescriptor.NormName))} only.");
            }
        }

        foreach (var gate in plan.Thresholds.MinRobustAccuracy)
        {
            var threat = plan.Threats.FirstOrDefault(t => t.Name == gate.Threat)
                ?? throw new InvalidDataException($"{source}: thresholds.min_robust_accuracy: threat '{gate.Threat}' is not in the plan ({string.Join(", ", plan.Threats.Select(t => t.Name))}).");
            if (!threat.Epsilons.Contains(gate.Epsilon))
            {
                throw new InvalidDataException($"{source}: thresholds.min_robust_accuracy: epsilon {gate.Epsilon.ToString(CultureInfo.InvariantCulture)} is not one of threat '{gate.Threat}''s epsilons.");
            }

            if (gate.Value is < 0 or > 1)
            {
                throw new InvalidDataException($"{source}: thresholds.min_robust_accuracy: value {gate.Value.ToString(CultureInfo.InvariantCulture)} for '{gate.Threat}' must be a fraction between 0 and 1.");
            }
        }

        if (plan.Thresholds.MinScore is < 0 or > 100)
        {
            throw new InvalidDataException($"{source}: thresholds.min_score: {plan.Thresholds.MinScore.ToString(CultureInfo.InvariantCulture)} must be between 0 and 100.");
        }

        return plan;
    }

    /// <summary>
    /// Checks every budget against the model's input domain, known only once the model is loaded:
    /// an L∞ budget at most the domain's width, an L2 budget at most its diameter
    /// (width·√<paramref name="sampleSize"/>); beyond those every input is reachable and the figure
    /// means nothing.
    /// </summary>
    /// <param name="plan">The plan, already validated.</param>
    /// <param name="range">The model's input domain.</param>
    /// <param name="sampleSize">Values per sample.</param>
    /// <param name="source">What the plan is called in errors.</param>
    /// <exception cref="InvalidDataException">A budget is larger than the domain; the message names its key path.</exception>
    public static void ValidateDomain(AuditPlan plan, InputRange range, long sampleSize, string source)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var width = (double)range.Max - range.Min;
        var diameter = width * Math.Sqrt(sampleSize);
        for (var t = 0; t < plan.Threats.Count; t++)
        {
            var threat = plan.Threats[t];
            var (bound, what) = threat.Norm == "l2" ? (diameter, "L2 diameter") : (width, "width");
            for (var k = 0; k < threat.Epsilons.Count; k++)
            {
                if (threat.Epsilons[k] > bound)
                {
                    throw new InvalidDataException(
                        $"{source}: threats[{t}] ({threat.Name}).epsilons[{k}]: {threat.Epsilons[k].ToString(CultureInfo.InvariantCulture)} exceeds the {what} {bound.ToString("G4", CultureInfo.InvariantCulture)} of the input domain [{range.Min.ToString(CultureInfo.InvariantCulture)}, {range.Max.ToString(CultureInfo.InvariantCulture)}]; every input would be reachable.");
                }
            }
        }
    }

    // Loop counts and sizes: valid (≥ their minimum) always; within the documented limits unless the plan lifts them.
    private static void CheckCounts(AuditPlan plan, string source)
    {
        (string Key, int Value, int Min, int Limit)[] counts =
        [
            ("samples", plan.Samples, 1, RunLimits.MaxSamples),
            ("batch", plan.Batch, 1, RunLimits.MaxBatch),
            ("pgd_steps", plan.PgdSteps, 1, RunLimits.MaxSteps),
            ("apgd_steps", plan.ApgdSteps, 1, RunLimits.MaxSteps),
            ("apgd_target_classes", plan.ApgdTargetClasses, 1, RunLimits.MaxTargetClasses),
            ("max_queries", plan.MaxQueries, 3, RunLimits.MaxQueriesPerSample),
            ("noise_trials", plan.NoiseTrials, 1, RunLimits.MaxNoiseTrials),
        ];
        foreach (var (key, value, min, limit) in counts)
        {
            if (value < min)
            {
                throw new InvalidDataException($"{source}: {key} is {RunLimits.Format(value)}; expected a whole number ≥ {RunLimits.Format(min)}.");
            }

            if (value > limit && !plan.AllowUnbounded)
            {
                throw new InvalidDataException($"{source}: {key} is {RunLimits.Format(value)}, over the limit of {RunLimits.Format(limit)} (docs/limits.md); set {RunLimits.PlanSwitch} in the plan or pass {RunLimits.CliSwitch} to allow it.");
            }
        }

        if (!(plan.TimeBudgetSeconds >= 0 && plan.TimeBudgetSeconds <= MaxTimeBudgetSeconds))
        {
            throw new InvalidDataException($"{source}: time_budget_seconds is {plan.TimeBudgetSeconds.ToString(CultureInfo.InvariantCulture)}; expected a number in [0, {MaxTimeBudgetSeconds.ToString(CultureInfo.InvariantCulture)}].");
        }
    }

    private static List<ThreatModel> ReadThreats(NodeReader reader, YamlNode node)
    {
        var list = reader.Sequence(node, "threats");
        var threats = new List<ThreatModel>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            var path = $"threats[{i}]";
            var map = reader.Mapping(list.Children[i], path);
            reader.RejectUnknown(map, ThreatKeys, path + ".");
            var norm = reader.String(map, "norm", path) ?? throw reader.Error($"{path}.norm", "is required (linf or l2)");
            threats.Add(new ThreatModel
            {
                Name = reader.String(map, "name", path) ?? norm,
                Norm = norm.ToLowerInvariant(),
                Epsilons = map.Children.TryGetValue(new YamlScalarNode("epsilons"), out var eps)
                    ? [.. reader.Sequence(eps, $"{path}.epsilons").Children.Select((e, k) => reader.Budget(e, $"{path}.epsilons[{k}]"))]
                    : throw reader.Error($"{path}.epsilons", "is required (a list of budgets)"),
                ReferenceEpsilon = map.Children.TryGetValue(new YamlScalarNode("reference_epsilon"), out var reference) ? (float)reader.Number(reference, $"{path}.reference_epsilon") : null,
                Attacks = map.Children.TryGetValue(new YamlScalarNode("attacks"), out var attacks)
                    ? [.. reader.Sequence(attacks, $"{path}.attacks").Children.Select((a, k) => reader.Scalar(a, $"{path}.attacks[{k}]").ToLowerInvariant())]
                    : AttackCatalog.DefaultEnsemble,
            });
        }

        return threats;
    }

    private static AuditThresholds ReadThresholds(NodeReader reader, YamlNode node)
    {
        var map = reader.Mapping(node, "thresholds");
        reader.RejectUnknown(map, ["min_score", "min_robust_accuracy"], "thresholds.");
        var gates = new List<RobustAccuracyThreshold>();
        if (map.Children.TryGetValue(new YamlScalarNode("min_robust_accuracy"), out var list))
        {
            var items = reader.Sequence(list, "thresholds.min_robust_accuracy");
            for (var i = 0; i < items.Children.Count; i++)
            {
                var path = $"thresholds.min_robust_accuracy[{i}]";
                var item = reader.Mapping(items.Children[i], path);
                reader.RejectUnknown(item, ["threat", "epsilon", "value"], path + ".");
                gates.Add(new RobustAccuracyThreshold
                {
                    Threat = reader.String(item, "threat", path) ?? throw reader.Error($"{path}.threat", "is required"),
                    Epsilon = (float)reader.Number(Require(reader, item, "epsilon", path), $"{path}.epsilon"),
                    Value = reader.Number(Require(reader, item, "value", path), $"{path}.value"),
                });
            }
        }

        return new AuditThresholds
        {
            MinScore = reader.Number(map, "min_score", 0, "thresholds.min_score"),
            MinRobustAccuracy = gates,
        };
    }

    private static YamlNode Require(NodeReader reader, YamlMappingNode map, string key, string path) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : throw reader.Error($"{path}.{key}", "is required");

    private sealed class NodeReader(string source)
    {
        public InvalidDataException Error(string path, string what) => new($"{source}: {path} {what}.");

        public void RejectUnknown(YamlMappingNode map, string[] known, string prefix)
        {
            foreach (var key in map.Children.Keys)
            {
                var name = (key as YamlScalarNode)?.Value ?? "?";
                if (!known.Contains(name))
                {
                    throw Error(prefix + name, $"is not a known key (expected one of {string.Join(", ", known)})");
                }
            }
        }

        public YamlMappingNode Mapping(YamlNode node, string path) => node as YamlMappingNode ?? throw Error(path, "must be a mapping");

        public YamlSequenceNode Sequence(YamlNode node, string path) => node as YamlSequenceNode ?? throw Error(path, "must be a list");

        public string Scalar(YamlNode node, string path) => (node as YamlScalarNode)?.Value ?? throw Error(path, "must be a single value");

        public string? String(YamlMappingNode map, string key, string path) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? Scalar(node, $"{path}.{key}") : null;

        public double Number(YamlNode node, string path)
        {
            var text = Scalar(node, path);
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                ? value
                : throw Error(path, $"is '{text}'; expected a number");
        }

        public double Number(YamlMappingNode map, string key, double fallback, string path, double max = double.MaxValue)
        {
            if (!map.Children.TryGetValue(new YamlScalarNode(key), out var node))
            {
                return fallback;
            }

            var value = Number(node, path);
            return value >= 0 && value <= max
                ? value
                : throw Error(path, $"is {value.ToString(CultureInfo.InvariantCulture)}; expected a number in [0, {max.ToString(CultureInfo.InvariantCulture)}]");
        }

        // A budget: positive and finite as a float (1e39 would overflow to ∞).
        public float Budget(YamlNode node, string path)
        {
            var value = Number(node, path);
            return value > 0 && value <= float.MaxValue
                ? (float)value
                : throw Error(path, $"is {value.ToString(CultureInfo.InvariantCulture)}; expected a positive, finite budget");
        }

        public bool Bool(YamlMappingNode map, string key)
        {
            if (!map.Children.TryGetValue(new YamlScalarNode(key), out var node))
            {
                return false;
            }

            var text = Scalar(node, key);
            return text switch
            {
                "true" or "True" or "TRUE" => true,
                "false" or "False" or "FALSE" => false,
                _ => throw Error(key, $"is '{text}'; expected true or false"),
            };
        }

        public int Int(YamlMappingNode map, string key, int fallback, int min)
        {
            if (!map.Children.TryGetValue(new YamlScalarNode(key), out var node))
            {
                return fallback;
            }

            // Parsed as a long so a value past int's range reads as out of range, not as malformed.
            var text = Scalar(node, key);
            return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= int.MaxValue
                ? (int)value
                : throw Error(key, $"is '{text}'; expected a whole number between {RunLimits.Format(min)} and {RunLimits.Format(int.MaxValue)}");
        }
    }
}
