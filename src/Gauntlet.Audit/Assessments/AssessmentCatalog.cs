namespace Gauntlet.Audit.Assessments;

/// <summary>The assessment modules an audit runs by default, in order, and lookup by id.</summary>
public static class AssessmentCatalog
{
    /// <summary>
    /// Supply chain first (seconds, and a partial audit still has it), then evasion, then privacy (it runs only when given members and non-members). A new module
    /// is one class implementing <see cref="IAssessment"/> and one line here.
    /// </summary>
    public static IReadOnlyList<IAssessment> BuiltIn { get; } =
    [
        new SupplyChainAssessment(),
        new EvasionAssessment(),
        new PrivacyAssessment(),
    ];

    /// <summary>
    /// Modules that run only when asked for (a plan's <c>assessments:</c> names them, or
    /// <c>audit --backdoor</c>), because they cost more than the rest of a default audit.
    /// </summary>
    public static IReadOnlyList<IAssessment> OptIn { get; } =
    [
        new PoisoningAssessment(),
    ];

    /// <summary>The ids a plan's <c>assessments:</c> may name.</summary>
    public static IReadOnlyList<string> Ids => [.. BuiltIn.Concat(OptIn).Select(m => m.Id)];

    /// <summary>True when <paramref name="id"/> names a built-in or opt-in module.</summary>
    public static bool Contains(string id) => BuiltIn.Concat(OptIn).Any(m => m.Id == id);
}
