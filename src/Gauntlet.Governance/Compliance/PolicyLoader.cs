using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gauntlet.Governance.Compliance;

/// <summary>
/// Reads compliance policies: the built-in ones (embedded YAML under Compliance/Policies) or a
/// user's YAML file. The YAML is read as a node tree rather than deserialised into classes so
/// every mistake gets a one-line message naming the requirement and the key.
/// </summary>
public static class PolicyLoader
{
    /// <summary>The built-in policies' names.</summary>
    public static readonly IReadOnlyList<string> BuiltIn = ["eu-ai-act", "nist-ai-rmf", "owasp-ml"];

    private static readonly HashSet<string> CheckKeys = ["attachment", "min_score", "max_score", "lineage", "max_value", "log_entries", "model_card", "tag"];
    private static readonly HashSet<string> LineageFields = ["data", "training_config", "training_log", "dp_epsilon", "parent"];

    /// <summary>Loads a built-in policy by name, or else the YAML file at that path.</summary>
    /// <exception cref="CompliancePolicyException">Unknown name, missing file or malformed policy.</exception>
    public static CompliancePolicy Load(string nameOrPath)
    {
        if (BuiltIn.Contains(nameOrPath))
        {
            using var stream = typeof(PolicyLoader).Assembly.GetManifestResourceStream($"Gauntlet.Governance.Compliance.Policies.{nameOrPath}.yaml")
                ?? throw new InvalidOperationException($"built-in policy {nameOrPath} is not embedded");
            using var reader = new StreamReader(stream);
            return Parse(reader.ReadToEnd(), "built-in");
        }

        if (!File.Exists(nameOrPath))
        {
            throw new CompliancePolicyException($"policy '{nameOrPath}': not a built-in policy ({string.Join(", ", BuiltIn)}) and no such file");
        }

        return Parse(File.ReadAllText(nameOrPath), nameOrPath);
    }

    /// <summary>Parses a policy's YAML text.</summary>
    /// <param name="yaml">The policy.</param>
    /// <param name="source">Where it came from, for messages.</param>
    /// <exception cref="CompliancePolicyException">Malformed YAML or an unknown rule.</exception>
    public static CompliancePolicy Parse(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new CompliancePolicyException($"policy {source}: malformed YAML at line {ex.Start.Line}: {ex.Message.Split('\n')[0]}", ex);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new CompliancePolicyException($"policy {source}: expected a mapping with id, title and requirements");
        }

        var id = Scalar(root, "id", source) ?? throw new CompliancePolicyException($"policy {source}: missing 'id'");
        var title = Scalar(root, "title", source) ?? id;
        if (Child(root, "requirements") is not YamlSequenceNode list || list.Children.Count == 0)
        {
            throw new CompliancePolicyException($"policy {source}: 'requirements' must be a non-empty list");
        }

        var requirements = new List<PolicyRequirement>();
        foreach (var node in list.Children)
        {
            requirements.Add(Requirement(node, source));
        }

        var duplicate = requirements.GroupBy(r => r.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new CompliancePolicyException($"policy {source}: requirement id '{duplicate.Key}' appears twice");
        }

        return new CompliancePolicy(id, title, source, requirements);
    }

    private static PolicyRequirement Requirement(YamlNode node, string source)
    {
        if (node is not YamlMappingNode map)
        {
            throw new CompliancePolicyException($"policy {source}: line {node.Start.Line}: a requirement must be a mapping (id, title, requires)");
        }

        var id = Scalar(map, "id", source) ?? throw new CompliancePolicyException($"policy {source}: line {node.Start.Line}: requirement without 'id'");
        var where = $"policy {source}: requirement {id}";
        if (Child(map, "requires") is not YamlSequenceNode requires || requires.Children.Count == 0)
        {
            throw new CompliancePolicyException($"{where}: 'requires' must be a non-empty list");
        }

        var checks = requires.Children.Select(c => Check(c, where)).ToList();
        return new PolicyRequirement(id, Scalar(map, "title", source) ?? id, Scalar(map, "description", source) ?? "", checks);
    }

    private static EvidenceCheck Check(YamlNode node, string where)
    {
        if (node is not YamlMappingNode map)
        {
            throw new CompliancePolicyException($"{where}: line {node.Start.Line}: a rule must be a mapping such as {{attachment: audit, min_score: 60}}");
        }

        foreach (var key in map.Children.Keys)
        {
            if (!CheckKeys.Contains(key.ToString()))
            {
                throw new CompliancePolicyException($"{where}: line {key.Start.Line}: unknown rule key '{key}' (known: {string.Join(", ", CheckKeys)})");
            }
        }

        var check = new EvidenceCheck
        {
            Attachment = Scalar(map, "attachment", where),
            MinScore = Number(map, "min_score", where),
            MaxScore = Number(map, "max_score", where),
            Lineage = Scalar(map, "lineage", where),
            MaxValue = Number(map, "max_value", where),
            LogEntries = Flag(map, "log_entries", where),
            ModelCard = Flag(map, "model_card", where),
            Tag = Scalar(map, "tag", where),
        };
        var kinds = new[] { check.Attachment is not null, check.Lineage is not null, check.LogEntries, check.ModelCard, check.Tag is not null }.Count(k => k);
        if (kinds != 1)
        {
            throw new CompliancePolicyException($"{where}: line {node.Start.Line}: a rule needs exactly one of attachment, lineage, log_entries: true, model_card: true, tag");
        }

        if ((check.MinScore is not null || check.MaxScore is not null) && check.Attachment is null)
        {
            throw new CompliancePolicyException($"{where}: line {node.Start.Line}: min_score/max_score go with attachment");
        }

        if (check.Lineage is { } field && !LineageFields.Contains(field))
        {
            throw new CompliancePolicyException($"{where}: line {node.Start.Line}: unknown lineage field '{field}' (known: {string.Join(", ", LineageFields)})");
        }

        if (check.MaxValue is not null && check.Lineage != "dp_epsilon")
        {
            throw new CompliancePolicyException($"{where}: line {node.Start.Line}: max_value goes with lineage: dp_epsilon");
        }

        return check;
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlMappingNode map, string key, string where) => Child(map, key) switch
    {
        null => null,
        YamlScalarNode { Value: { Length: > 0 } text } => text,
        var other => throw new CompliancePolicyException($"{where}: line {other.Start.Line}: '{key}' must be a non-empty text value"),
    };

    private static double? Number(YamlMappingNode map, string key, string where)
    {
        var text = Scalar(map, key, where);
        if (text is null)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new CompliancePolicyException($"{where}: '{key}: {text}' is not a number");
    }

    private static bool Flag(YamlMappingNode map, string key, string where) => Scalar(map, key, where) switch
    {
        null => false,
        "true" => true,
        "false" => false,
        var text => throw new CompliancePolicyException($"{where}: '{key}: {text}' must be true or false"),
    };
}
