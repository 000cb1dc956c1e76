namespace Gauntlet.Governance.Compliance;

/// <summary>What a requirement (or one of its checks) evaluates to.</summary>
public enum ComplianceStatus
{
    /// <summary>The registry holds evidence and it meets the rule.</summary>
    Satisfied,

    /// <summary>The registry holds evidence and it does not meet the rule (e.g. a score under its minimum).</summary>
    Failed,

    /// <summary>The registry holds no evidence for the rule.</summary>
    NotEvidenced,
}

/// <summary>Text forms of <see cref="ComplianceStatus"/>, as the reports and policies spell them.</summary>
public static class ComplianceStatusText
{
    /// <summary>satisfied, failed or not_evidenced.</summary>
    public static string Name(this ComplianceStatus status) => status switch
    {
        ComplianceStatus.Satisfied => "satisfied",
        ComplianceStatus.Failed => "failed",
        _ => "not_evidenced",
    };
}
