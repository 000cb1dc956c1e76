using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Gauntlet.Scanner.Data;

/// <summary>
/// A declared privacy policy for data files (<c>--privacy-policy FILE</c>, YAML): which
/// personal-data categories may be held, for how long, whether a consent field is required and
/// whether direct identifiers must be pseudonymised. See docs/data-scanning.md.
/// </summary>
public sealed record PrivacyPolicy
{
    /// <summary>The categories files may hold; empty means none may be held.</summary>
    public IReadOnlySet<PiiCategory> AllowedCategories { get; init; } = new HashSet<PiiCategory>();

    /// <summary>Most days a file with personal data may be kept (by its modification time), or null for no limit.</summary>
    public int? RetentionDays { get; init; }

    /// <summary>The column every file with personal data must have (e.g. <c>consent</c>), or null when not required.</summary>
    public string? ConsentField { get; init; }

    /// <summary>Whether direct identifiers (e-mail, phone, national ids, cards, names) must be pseudonymised (never held raw).</summary>
    public bool PseudonymisationRequired { get; init; }

    /// <summary>Whether GDPR Art. 9 special-category data is allowed (default false: flagged).</summary>
    public bool SpecialCategoriesAllowed { get; init; }

    /// <summary>
    /// Parses a policy:
    /// <code>
    /// allowed_categories: [email, ip-address]
    /// retention_days: 365
    /// consent_field: consent
    /// pseudonymisation_required: true
    /// special_categories_allowed: false
    /// </code>
    /// </summary>
    /// <exception cref="FormatException">The YAML is invalid, a key is unknown, or a category or number is not valid (one line).</exception>
    public static PrivacyPolicy Parse(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);

        // Read with the event parser: the scanner never builds objects from input (ContainerTests).
        var policy = new PrivacyPolicy();
        try
        {
            var parser = new Parser(new StringReader(yaml));
            parser.Consume<StreamStart>();
            if (!parser.TryConsume<DocumentStart>(out _) || !parser.TryConsume<MappingStart>(out _))
            {
                throw new FormatException("the policy must be a YAML mapping (allowed_categories, retention_days, consent_field, pseudonymisation_required, special_categories_allowed)");
            }

            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = parser.Consume<Scalar>().Value;
                var values = new List<string>();
                var isList = parser.TryConsume<SequenceStart>(out _);
                if (isList)
                {
                    while (!parser.TryConsume<SequenceEnd>(out _))
                    {
                        values.Add(parser.Consume<Scalar>().Value);
                    }
                }
                else
                {
                    values.Add(parser.Consume<Scalar>().Value);
                }

                policy = key switch
                {
                    "allowed_categories" => policy with { AllowedCategories = Categories(isList, values) },
                    "retention_days" => policy with { RetentionDays = Number(key, Single(key, isList, values)) },
                    "consent_field" => policy with { ConsentField = Single(key, isList, values) },
                    "pseudonymisation_required" => policy with { PseudonymisationRequired = Bool(key, Single(key, isList, values)) },
                    "special_categories_allowed" => policy with { SpecialCategoriesAllowed = Bool(key, Single(key, isList, values)) },
                    _ => throw new FormatException($"unknown key '{key}' (expected allowed_categories, retention_days, consent_field, pseudonymisation_required, special_categories_allowed)"),
                };
            }
        }
        catch (YamlException ex)
        {
            throw new FormatException($"invalid YAML at line {ex.Start.Line}: {ex.Message.Split('\n')[0]}", ex);
        }

        return policy;
    }

    private static HashSet<PiiCategory> Categories(bool isList, List<string> names)
    {
        if (!isList)
        {
            throw new FormatException("allowed_categories must be a list, e.g. [email, phone]");
        }

        return [.. names.Select(name => PiiCategories.Parse(name)
            ?? throw new FormatException($"allowed_categories: unknown category '{name}' (known: {string.Join(", ", Enum.GetValues<PiiCategory>().Select(c => c.Name()))})"))];
    }

    private static string Single(string key, bool isList, List<string> values) =>
        !isList && values[0].Length > 0 ? values[0] : throw new FormatException($"{key} must be a single non-empty value");

    private static int Number(string key, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is > 0 and <= 365_000
            ? days
            : throw new FormatException($"{key} must be a whole number of days from 1 to 365000");

    private static bool Bool(string key, string text) =>
        text.ToLowerInvariant() switch
        {
            "true" or "yes" => true,
            "false" or "no" => false,
            var other => throw new FormatException($"{key} must be true or false, not '{other}'"),
        };
}
/// <summary>Checks a data file's inventory against the <see cref="ScanOptions.PrivacyPolicy"/>, with GDPR and CCPA references.</summary>
internal static class PrivacyChecker
{
    public static void Check(ScanContext context, string location, TimeSpan? age)
    {
        var policy = context.Options.PrivacyPolicy;
        var inventory = context.Inventory;
        if (policy is null || inventory is null)
        {
            return;
        }

        var categories = inventory.Categories;
        foreach (var verdict in inventory.Verdicts.Where(v => !policy.AllowedCategories.Contains(v.Category)))
        {
            context.AddAt("privacy.category-not-allowed", Severity.High,
                $"column '{verdict.Column}' holds {verdict.Category.Name()}, which the policy does not allow (GDPR Art. 5(1)(c) data minimisation; CCPA 1798.100(c))",
                location, verdict.FirstLine, verdict.Column);
        }

        if (categories.Count > 0 && policy.RetentionDays is { } days && age is { } fileAge && fileAge.TotalDays > days)
        {
            context.Add("privacy.retention", Severity.Medium,
                $"the file is {fileAge.TotalDays:F0} days old, past the policy's {days}-day retention, and holds {string.Join(", ", categories.Select(c => c.Name()).Order(StringComparer.Ordinal))} (GDPR Art. 5(1)(e) storage limitation; CCPA 1798.100(a)(3))",
                location);
        }

        if (categories.Count > 0 && policy.ConsentField is { } consent && !inventory.Columns.Any(c => string.Equals(ColumnHints.Normalise(c), ColumnHints.Normalise(consent), StringComparison.Ordinal)))
        {
            context.Add("privacy.consent-missing", Severity.Medium,
                $"the file holds personal data but no '{consent}' column, which the policy requires (GDPR Art. 6(1)(a) and 7 consent; CCPA 1798.120 right to opt out)",
                location);
        }

        if (policy.PseudonymisationRequired)
        {
            foreach (var verdict in inventory.Verdicts.Where(v => v.Category.IsDirectIdentifier()))
            {
                context.AddAt("privacy.pseudonymisation", Severity.High,
                    $"column '{verdict.Column}' holds raw {verdict.Category.Name()} values; the policy requires direct identifiers to be pseudonymised (GDPR Art. 25 and 32(1)(a); CCPA 1798.140(m) deidentified)",
                    location, verdict.FirstLine, verdict.Column);
            }
        }

        if (!policy.SpecialCategoriesAllowed)
        {
            var special = inventory.SpecialCategoryColumns.ToList();
            if (categories.Contains(PiiCategory.NhsNumber))
            {
                special.AddRange(inventory.Verdicts.Where(v => v.Category == PiiCategory.NhsNumber).Select(v => v.Column));
            }

            foreach (var column in special.Distinct(StringComparer.Ordinal))
            {
                context.AddAt("privacy.special-category", Severity.High,
                    $"column '{column}' suggests special-category (health, ethnicity, religion, ...) data, which needs an Art. 9(2) condition (GDPR Art. 9; CCPA 1798.140(ae) sensitive personal information)",
                    location, null, column);
            }
        }
    }
}
