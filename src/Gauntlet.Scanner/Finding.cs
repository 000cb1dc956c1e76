namespace Gauntlet.Scanner;

/// <summary>One thing the scanner found in an artifact.</summary>
/// <param name="RuleId">Stable rule identifier, for example <c>pickle.dangerous-callable</c> (see <see cref="ScanRules"/>).</param>
/// <param name="Severity">How bad it is.</param>
/// <param name="Message">One sentence a person can act on.</param>
/// <param name="Location">Where inside the artifact: the chain of containers and entries, joined with <c>!</c>.</param>
/// <param name="Offset">Byte offset within the innermost stream, where one is meaningful.</param>
public sealed record Finding(string RuleId, Severity Severity, string Message, string Location, long? Offset = null)
{
    /// <summary>1-based line in the file (for code, notebook cells and text files), or null.</summary>
    public int? Line { get; init; }

    /// <summary>1-based column on <see cref="Line"/>, or null.</summary>
    public int? Column { get; init; }

    /// <summary>
    /// Lower-case hex hash of the finding's normalised source snippet (whitespace collapsed), for
    /// code and secret findings; a baseline (<see cref="ScanBaseline"/>) keys findings by rule, file and
    /// this hash, so findings survive line shifts. Null for model findings.
    /// </summary>
    public string? Fingerprint { get; init; }

    /// <summary>The column (of a data file) or field the finding is about, or null; data findings put the row in <see cref="Line"/>.</summary>
    public string? Field { get; init; }

    /// <summary>
    /// This finding as a general <see cref="Core.Finding"/>: the rule's title, remediation and CWE
    /// ids from <see cref="ScanRules"/>, the message as description, category
    /// <see cref="ScanRules.Category"/>, the scanner's OWASP ML and MITRE ATLAS ids, and a location
    /// at <paramref name="artifactPath"/> with <see cref="Location"/> as the logical name.
    /// </summary>
    /// <param name="artifactPath">The artifact's path relative to what was scanned (<see cref="ArtifactReport.RelativePath"/>).</param>
    /// <returns>The core finding.</returns>
    /// <exception cref="KeyNotFoundException"><see cref="RuleId"/> is not in <see cref="ScanRules.All"/>.</exception>
    public Core.Finding ToCoreFinding(string artifactPath)
    {
        ArgumentNullException.ThrowIfNull(artifactPath);
        var rule = ScanRules.Get(RuleId);
        return new Core.Finding
        {
            RuleId = RuleId,
            Title = rule.Title,
            Severity = Severity,
            Category = ScanRules.Category,
            Description = Message,
            Location = new FindingLocation(artifactPath, Location, Offset),
            Remediation = rule.Remediation,
            OwaspMl = ScanRules.OwaspMl,
            MitreAtlas = ScanRules.MitreAtlas,
            Cwe = rule.Cwe,
        };
    }
}
