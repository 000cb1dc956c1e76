using System.Text.Json.Serialization;

namespace Gauntlet.Core;

/// <summary>
/// How bad a finding is, shared by every report Gauntlet writes. Ordered: a higher value is worse,
/// so <c>Info &lt; Low &lt; Medium &lt; High &lt; Critical</c> and comparisons such as
/// <c>severity &gt;= Severity.Medium</c> read as intended. In JSON it is the lower-case name
/// (<see cref="SeverityJsonConverter"/>), so reports read <c>"severity": "high"</c>.
/// </summary>
[JsonConverter(typeof(SeverityJsonConverter))]
public enum Severity
{
    /// <summary>Informational: expected content worth listing, or a result with nothing to fix.</summary>
    Info = 0,

    /// <summary>Unusual or weak, but harmless on its own.</summary>
    Low = 1,

    /// <summary>Suspicious or a real weakness: unknown callables, malformed structure, robustness well below clean accuracy.</summary>
    Medium = 2,

    /// <summary>Dangerous capability (file, network, process control), a scanner-evasion pattern, or most correct answers lost to attack.</summary>
    High = 3,

    /// <summary>Arbitrary code execution when an artifact is loaded, or a model an attacker controls almost completely.</summary>
    Critical = 4,
}

/// <summary>The lower-case names of <see cref="Severity"/> used in every report and on the command line.</summary>
public static class SeverityNames
{
    /// <summary>Every severity, most severe first (the order reports list findings in).</summary>
    public static IReadOnlyList<Severity> MostSevereFirst { get; } = [Severity.Critical, Severity.High, Severity.Medium, Severity.Low, Severity.Info];

    /// <summary>The lower-case name: <c>critical</c>, <c>high</c>, <c>medium</c>, <c>low</c> or <c>info</c>.</summary>
    /// <param name="severity">The severity.</param>
    /// <returns>Its name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="severity"/> is not a defined value.</exception>
    public static string ToName(this Severity severity) => severity switch
    {
        Severity.Info => "info",
        Severity.Low => "low",
        Severity.Medium => "medium",
        Severity.High => "high",
        Severity.Critical => "critical",
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, "not a defined severity"),
    };

    /// <summary>Parses a severity name, case-insensitively and ignoring surrounding white space.</summary>
    /// <param name="text">One of info, low, medium, high, critical.</param>
    /// <returns>The severity.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">The text is not one of the five names; the message lists them.</exception>
    public static Severity Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var severity)
            ? severity
            : throw new ArgumentException($"unknown severity '{text}': expected info, low, medium, high or critical", nameof(text));
    }

    /// <summary>Parses a severity name as <see cref="Parse"/> does, without throwing.</summary>
    /// <param name="text">The text, or null.</param>
    /// <param name="severity">The severity when the result is true, else <see cref="Severity.Info"/>.</param>
    /// <returns>True when <paramref name="text"/> names a severity.</returns>
    public static bool TryParse(string? text, out Severity severity)
    {
        // Names only: Enum.TryParse would also accept "3" or "High, Low", which no report should contain.
        switch (text?.Trim().ToUpperInvariant())
        {
            case "INFO": severity = Severity.Info; return true;
            case "LOW": severity = Severity.Low; return true;
            case "MEDIUM": severity = Severity.Medium; return true;
            case "HIGH": severity = Severity.High; return true;
            case "CRITICAL": severity = Severity.Critical; return true;
            default: severity = Severity.Info; return false;
        }
    }
}
