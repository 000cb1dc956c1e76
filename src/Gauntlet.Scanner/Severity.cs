namespace Gauntlet.Scanner;

/// <summary>How bad a finding is. Ordered: a higher value is worse.</summary>
public enum Severity
{
    /// <summary>Informational: expected content worth listing (allowlisted callables, unanalysed entries).</summary>
    Info = 0,

    /// <summary>Unusual but harmless on its own.</summary>
    Low = 1,

    /// <summary>Suspicious: unknown callables, custom code hooks, malformed structure.</summary>
    Medium = 2,

    /// <summary>Dangerous capability (file, network, process control) or a scanner-evasion pattern.</summary>
    High = 3,

    /// <summary>Arbitrary code execution when the artifact is loaded.</summary>
    Critical = 4,
}

/// <summary>Parsing and naming helpers for <see cref="Severity"/>.</summary>
public static class SeverityNames
{
    /// <summary>The lower-case name used in reports and on the command line (<c>critical</c>, <c>high</c>, ...).</summary>
    public static string ToName(this Severity severity) => severity switch
    {
        Severity.Info => "info",
        Severity.Low => "low",
        Severity.Medium => "medium",
        Severity.High => "high",
        Severity.Critical => "critical",
        _ => throw new ArgumentOutOfRangeException(nameof(severity)),
    };

    /// <summary>Parses a severity name, case-insensitively.</summary>
    /// <exception cref="ArgumentException">The text is not one of info, low, medium, high, critical.</exception>
    public static Severity Parse(string text) => text.Trim().ToUpperInvariant() switch
    {
        "INFO" => Severity.Info,
        "LOW" => Severity.Low,
        "MEDIUM" => Severity.Medium,
        "HIGH" => Severity.High,
        "CRITICAL" => Severity.Critical,
        _ => throw new ArgumentException($"unknown severity '{text}': expected info, low, medium, high or critical", nameof(text)),
    };
}
