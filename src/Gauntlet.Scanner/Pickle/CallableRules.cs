using System.Globalization;

namespace Gauntlet.Scanner.Pickle;

/// <summary>What a row of the callable table decides.</summary>
internal enum CallableRuleVerdict
{
    /// <summary>Reported as <c>pickle.dangerous-callable</c> at the row's severity.</summary>
    Dangerous,

    /// <summary>Reconstruction machinery: listed as <c>pickle.allowed-callable</c> (info).</summary>
    Allowed,

    /// <summary>Pure or inert: not reported.</summary>
    Harmless,
}

/// <summary>One row of <c>Pickle/CallableRules.tsv</c>.</summary>
/// <param name="Pattern">'module.name', or 'module.*' for a module and its submodules.</param>
/// <param name="Verdict">What the row decides.</param>
/// <param name="Severity">The severity of a dangerous row; info otherwise.</param>
/// <param name="Reason">Why, written for the report's reader.</param>
internal sealed record CallableRule(string Pattern, CallableRuleVerdict Verdict, Severity Severity, string Reason)
{
    /// <summary>Whether the row names a module and its submodules rather than one callable.</summary>
    public bool IsModule => Pattern.EndsWith(".*", StringComparison.Ordinal);
}

/// <summary>
/// The reviewed table of pickle callables (<c>Pickle/CallableRules.tsv</c>, embedded in the
/// assembly): one row per callable or module with its verdict and reason. Parsed once; a
/// malformed or duplicate row is a build-time bug and throws, which the tests catch.
/// </summary>
internal sealed class CallableRules
{
    private const string ResourceName = "Gauntlet.Scanner.Pickle.CallableRules.tsv";

    private readonly Dictionary<string, CallableRule> names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CallableRule> modules = new(StringComparer.Ordinal);

    private CallableRules(IReadOnlyList<CallableRule> rows)
    {
        Rows = rows;
        foreach (var row in rows)
        {
            var target = row.IsModule ? modules : names;
            if (!target.TryAdd(row.IsModule ? row.Pattern[..^2] : row.Pattern, row))
            {
                throw new InvalidDataException($"{ResourceName}: '{row.Pattern}' appears twice");
            }
        }
    }

    /// <summary>The table, loaded from the embedded resource.</summary>
    public static CallableRules Table { get; } = Load();

    /// <summary>Every row, in file order.</summary>
    public IReadOnlyList<CallableRule> Rows { get; }

    /// <summary>Parses the table's text; throws <see cref="InvalidDataException"/> on a malformed row.</summary>
    public static CallableRules Parse(string text)
    {
        var rows = new List<CallableRule>();
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var columns = line.Split('\t');
            if (columns.Length != 3 || columns[0].Length == 0 || columns[2].Trim().Length == 0 || columns[0].Contains(' ', StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{ResourceName} line {lineNumber}: want 'pattern<TAB>verdict<TAB>reason'");
            }

            var (verdict, severity) = columns[1] switch
            {
                "allowed" => (CallableRuleVerdict.Allowed, Severity.Info),
                "harmless" => (CallableRuleVerdict.Harmless, Severity.Info),
                "critical" or "high" or "medium" or "low" => (CallableRuleVerdict.Dangerous, SeverityNames.Parse(columns[1])),
                _ => throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{ResourceName} line {lineNumber}: unknown verdict '{columns[1]}'")),
            };
            rows.Add(new CallableRule(columns[0], verdict, severity, columns[2].Trim()));
        }

        return new CallableRules(rows);
    }

    /// <summary>The dangerous row for exactly <paramref name="full"/>, if any.</summary>
    public CallableRule? Dangerous(string full) =>
        names.TryGetValue(full, out var row) && row.Verdict == CallableRuleVerdict.Dangerous ? row : null;

    /// <summary>The dangerous row for <paramref name="module"/> or its nearest enclosing module, if any.</summary>
    public CallableRule? DangerousModule(string module) => ModuleRow(module, dangerous: true);

    /// <summary>The allowed or harmless row for exactly <paramref name="full"/>, if any.</summary>
    public CallableRule? Safe(string full) =>
        names.TryGetValue(full, out var row) && row.Verdict != CallableRuleVerdict.Dangerous ? row : null;

    /// <summary>The allowed or harmless row for <paramref name="module"/> or its nearest enclosing module, if any.</summary>
    public CallableRule? SafeModule(string module) => ModuleRow(module, dangerous: false);

    private CallableRule? ModuleRow(string module, bool dangerous)
    {
        for (var prefix = module; ; prefix = prefix[..prefix.LastIndexOf('.')])
        {
            if (modules.TryGetValue(prefix, out var row) && (row.Verdict == CallableRuleVerdict.Dangerous) == dangerous)
            {
                return row;
            }

            if (!prefix.Contains('.', StringComparison.Ordinal))
            {
                return null;
            }
        }
    }

    private static CallableRules Load()
    {
        using var stream = typeof(CallableRules).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }
}
