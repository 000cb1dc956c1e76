namespace Gauntlet.Governance.Compliance;

/// <summary>A policy that cannot be used: unknown name, missing file, malformed YAML or an unknown rule.</summary>
public sealed class CompliancePolicyException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public CompliancePolicyException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public CompliancePolicyException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>Creates the exception with the default message.</summary>
    public CompliancePolicyException()
    {
    }
}
