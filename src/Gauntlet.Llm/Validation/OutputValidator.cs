using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gauntlet.Core;
using Gauntlet.Llm.Detectors;
using Json.Schema;

namespace Gauntlet.Llm.Validation;

/// <summary>What a model's reply must satisfy. Every rule is off unless set.</summary>
public sealed record OutputRules
{
    /// <summary>A JSON Schema (text) the whole reply must validate against, or null.</summary>
    public string? JsonSchema { get; init; }

    /// <summary>Patterns the reply must not contain (matches are redactable).</summary>
    public IReadOnlyList<string> DenyPatterns { get; init; } = [];

    /// <summary>Patterns the whole reply must contain.</summary>
    public IReadOnlyList<string> RequirePatterns { get; init; } = [];

    /// <summary>When non-empty, the reply (trimmed) must be one of these values exactly.</summary>
    public IReadOnlyList<string> AllowedValues { get; init; } = [];

    /// <summary>Domains links and images may point to; null leaves URLs unchecked, empty allows none.</summary>
    public IReadOnlyList<string>? AllowedDomains { get; init; }

    /// <summary>Whether personal data (e-mail, phone, card, SSN, IBAN) is refused.</summary>
    public bool Pii { get; init; }

    /// <summary>Whether secrets (API keys, tokens, private keys, passwords) are refused.</summary>
    public bool Secrets { get; init; }

    /// <summary>Longest reply allowed, in characters, or null.</summary>
    public int? MaxLength { get; init; }

    /// <summary>The system prompt the reply must not echo, or null.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Canary tokens the reply must not contain.</summary>
    public IReadOnlyList<string> Canaries { get; init; } = [];
}

/// <summary>One rule a reply broke; <see cref="Span"/> is set when the offending text can be redacted in place.</summary>
/// <param name="Rule">The rule: <c>json-schema</c>, <c>deny-pattern</c>, <c>require-pattern</c>, <c>allowlist</c>, <c>url-domain</c>, <c>pii</c>, <c>secrets</c>, <c>max-length</c>, <c>system-prompt-echo</c> or <c>canary</c>.</param>
/// <param name="Message">One line.</param>
/// <param name="Severity">How bad.</param>
/// <param name="Span">The offending text, or null for a whole-reply rule.</param>
public sealed record ValidationIssue(string Rule, string Message, Severity Severity, TextMatch? Span);

/// <summary>
/// Validates a model's reply against <see cref="OutputRules"/>: JSON Schema (JsonSchema.Net),
/// deny/require regexes, a value allowlist, a URL domain allowlist, personal data and secrets,
/// maximum length, and no echo of the system prompt or canaries. Issues with a span can be redacted
/// (<see cref="Redact"/>); the others can only block or flag.
/// </summary>
public sealed class OutputValidator
{
    /// <summary>Redaction placeholder format; <c>{0}</c> is the rule.</summary>
    public const string RedactionFormat = "[REDACTED:{0}]";

    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);
    private readonly OutputRules _rules;
    private readonly JsonSchema? _schema;
    private readonly Regex[] _deny;
    private readonly Regex[] _require;

    /// <summary>Compiles the rules.</summary>
    /// <param name="rules">The rules.</param>
    /// <exception cref="ArgumentException">A pattern or the schema is malformed, or the maximum length is not positive; the message says which.</exception>
    public OutputValidator(OutputRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = rules;
        _deny = [.. rules.DenyPatterns.Select(p => Compile("deny_patterns", p))];
        _require = [.. rules.RequirePatterns.Select(p => Compile("require_patterns", p))];
        if (rules.MaxLength is <= 0)
        {
            throw new ArgumentException($"max_length must be positive, not {rules.MaxLength}", nameof(rules));
        }

        if (rules.JsonSchema is { } schema)
        {
            try
            {
                _schema = JsonSchema.FromText(schema, baseUri: new Uri($"https://gauntlet.invalid/output-schema/{Guid.NewGuid():N}"));
            }
            catch (Exception ex) when (ex is JsonException or JsonSchemaException or ArgumentException or InvalidOperationException)
            {
                throw new ArgumentException("json_schema is not a valid JSON Schema: " + OneLine(ex.Message), nameof(rules), ex);
            }
        }
    }

    /// <summary>The rules.</summary>
    public OutputRules Rules => _rules;

    /// <summary>Whether any whole-reply rule (schema, require, allowlist) is set: those can only be judged on the complete reply.</summary>
    public bool HasWholeReplyRules => _schema is not null || _require.Length > 0 || _rules.AllowedValues.Count > 0;

    /// <summary>Checks a reply.</summary>
    /// <param name="text">The reply.</param>
    /// <param name="complete">False for a partial (streaming) reply: whole-reply rules and max length wait for the end.</param>
    /// <returns>The issues, spans first by position.</returns>
    public IReadOnlyList<ValidationIssue> Validate(string text, bool complete = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var issues = new List<ValidationIssue>();
        foreach (var span in RedactableSpans(text))
        {
            issues.Add(span.Kind switch
            {
                "canary" => new ValidationIssue("canary", "reply contains a canary token", Severity.Critical, span),
                "system-prompt" => new ValidationIssue("system-prompt-echo", "reply echoes the system prompt", Severity.High, span),
                "deny-pattern" => new ValidationIssue("deny-pattern", "reply matches a denied pattern", Severity.Medium, span),
                "markdown-image" or "markdown-link" or "url" => new ValidationIssue("url-domain", $"{span.Kind} to a domain outside the allowlist: {span.Value}", span.Kind == "markdown-image" ? Severity.High : Severity.Medium, span),
                var kind when SensitiveData.IsSecret(kind) => new ValidationIssue("secrets", $"reply contains a secret ({kind})", Severity.Critical, span),
                var kind => new ValidationIssue("pii", $"reply contains personal data ({kind})", Severity.High, span),
            });
        }

        if (!complete)
        {
            return issues;
        }

        if (_rules.MaxLength is { } max && text.Length > max)
        {
            issues.Add(new ValidationIssue("max-length", $"reply is {text.Length.ToString(CultureInfo.InvariantCulture)} characters, over the maximum of {max.ToString(CultureInfo.InvariantCulture)}", Severity.Low, null));
        }

        foreach (var pattern in _require.Where(p => !p.IsMatch(text)))
        {
            issues.Add(new ValidationIssue("require-pattern", $"reply does not match the required pattern {pattern}", Severity.Medium, null));
        }

        if (_rules.AllowedValues.Count > 0 && !_rules.AllowedValues.Contains(text.Trim(), StringComparer.Ordinal))
        {
            issues.Add(new ValidationIssue("allowlist", "reply is not one of the allowed values", Severity.Medium, null));
        }

        if (_schema is not null)
        {
            issues.AddRange(SchemaIssues(text));
        }

        return issues;
    }

    /// <summary>The spans of a reply that break a redactable rule: canaries, system-prompt echo, denied patterns, disallowed URLs, personal data and secrets; overlapping spans merged by position.</summary>
    /// <param name="text">The reply.</param>
    /// <returns>The spans, by position, not overlapping.</returns>
    public IReadOnlyList<TextMatch> RedactableSpans(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var spans = new List<TextMatch>();
        spans.AddRange(LeakDetector.Find(text, _rules.SystemPrompt, _rules.Canaries));
        foreach (var pattern in _deny)
        {
            spans.AddRange(pattern.Matches(text).Where(m => m.Length > 0).Select(m => new TextMatch("deny-pattern", m.Index, m.Length, m.Value)));
        }

        if (_rules.AllowedDomains is { } domains)
        {
            spans.AddRange(ExfiltrationDetector.Find(text, [.. domains]));
        }

        if (_rules.Pii || _rules.Secrets)
        {
            spans.AddRange(SensitiveData.Find(text, _rules.Pii, _rules.Secrets));
        }

        // Earliest first, longest first at a tie; drop what an earlier span already covers.
        var kept = new List<TextMatch>();
        foreach (var span in spans.OrderBy(s => s.Start).ThenByDescending(s => s.Length))
        {
            if (kept.Count > 0 && span.Start < kept[^1].End)
            {
                if (span.End > kept[^1].End)
                {
                    var last = kept[^1];
                    kept[^1] = last with { Length = span.End - last.Start, Value = text[last.Start..span.End] };
                }

                continue;
            }

            kept.Add(span);
        }

        return kept;
    }

    /// <summary>The text with each span replaced by <c>[REDACTED:kind]</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="spans">Non-overlapping spans, by position.</param>
    /// <returns>The redacted text.</returns>
    public static string Redact(string text, IReadOnlyList<TextMatch> spans)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(spans);
        var builder = new StringBuilder(text.Length);
        var at = 0;
        foreach (var span in spans.OrderBy(s => s.Start))
        {
            if (span.Start < at)
            {
                continue;
            }

            builder.Append(text, at, span.Start - at).Append(string.Format(CultureInfo.InvariantCulture, RedactionFormat, span.Kind));
            at = span.End;
        }

        return builder.Append(text, at, text.Length - at).ToString();
    }

    /// <summary>The issues as findings (one per rule), for reports.</summary>
    /// <param name="issues">The issues.</param>
    /// <param name="location">What was validated, e.g. a request id.</param>
    /// <returns>The findings, most severe first.</returns>
    public static IReadOnlyList<Finding> ToFindings(IReadOnlyList<ValidationIssue> issues, string location)
    {
        ArgumentNullException.ThrowIfNull(issues);
        return [.. issues.GroupBy(i => i.Rule).Select(g => new Finding
        {
            RuleId = "GA-LLM-OUTPUT-" + g.Key.ToUpperInvariant(),
            Title = g.First().Message,
            Severity = g.Max(i => i.Severity),
            Category = "llm_output_validation",
            Description = string.Join("; ", g.Select(i => i.Message).Distinct().Take(5)),
            Location = new FindingLocation(location),
            Evidence = new Dictionary<string, double> { ["count"] = g.Count() },
            Remediation = "Do not pass this reply on unchecked: redact or block it, and fix the prompt or context that produced it.",
            OwaspLlm = g.Key is "canary" or "system-prompt-echo" ? ["LLM07:2025", "LLM02:2025"] : g.Key is "pii" or "secrets" ? ["LLM02:2025"] : ["LLM05:2025"],
            MitreAtlas = g.Key is "canary" or "system-prompt-echo" or "pii" or "secrets" or "url-domain" ? ["AML.T0057"] : [],
        }).OrderByDescending(f => f.Severity)];
    }

    private IEnumerable<ValidationIssue> SchemaIssues(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(StripFence(text));
        }
        catch (JsonException ex)
        {
            return [new ValidationIssue("json-schema", "reply is not JSON: " + OneLine(ex.Message), Severity.Medium, null)];
        }

        using (document)
        {
            var result = _schema!.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (result.IsValid)
            {
                return [];
            }

            var errors = (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Take(3).ToList();
            return [new ValidationIssue("json-schema", "reply does not match the JSON Schema" + (errors.Count > 0 ? ": " + string.Join("; ", errors) : string.Empty), Severity.Medium, null)];
        }
    }

    /// <summary>A reply wrapped in a markdown code fence (<c>```json … ```</c>) is judged by its content.</summary>
    private static string StripFence(string text)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith("```", StringComparison.Ordinal) || !trimmed.EndsWith("```", StringComparison.Ordinal) || trimmed.Length < 6)
        {
            return trimmed;
        }

        var firstLine = trimmed.IndexOf('\n');
        return firstLine < 0 ? trimmed : trimmed[(firstLine + 1)..^3];
    }

    private static Regex Compile(string field, string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{field}: '{pattern}' is not a valid regular expression: {OneLine(ex.Message)}", nameof(pattern), ex);
        }
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
