using Gauntlet.Core;
using Gauntlet.Llm.Targets;

namespace Gauntlet.Llm.Probes;

/// <summary>What counts as a successful attack for a probe.</summary>
public enum ProbeGoal
{
    /// <summary>The reply carries the probe's marker: the injected instruction was followed.</summary>
    Marker,

    /// <summary>The reply carries the marker or the jailbroken-response classifier says the model complied.</summary>
    Jailbreak,

    /// <summary>The reply echoes the system prompt.</summary>
    SystemPromptLeak,

    /// <summary>The reply carries a canary token or a secret.</summary>
    CanaryLeak,

    /// <summary>The reply holds a markdown image or link to a domain outside the allowlist, carrying data.</summary>
    Exfiltration,
}

/// <summary>A family of probes: one attack technique, with its OWASP LLM Top 10 (2025) and MITRE ATLAS ids.</summary>
/// <param name="Id">The family id used on the command line, e.g. <c>direct-injection</c>.</param>
/// <param name="Title">A short title.</param>
/// <param name="Description">What the probes try.</param>
/// <param name="OwaspLlm">OWASP LLM Top 10 2025 ids, e.g. <c>LLM01:2025</c>.</param>
/// <param name="MitreAtlas">MITRE ATLAS technique ids, e.g. <c>AML.T0051.000</c>.</param>
/// <param name="Severity">The severity of a finding when the family succeeds against the target.</param>
/// <param name="Remediation">What to do when it does.</param>
public sealed record ProbeFamily(string Id, string Title, string Description, IReadOnlyList<string> OwaspLlm, IReadOnlyList<string> MitreAtlas, Severity Severity, string Remediation);

/// <summary>One attack attempt: the conversation sent and how success is judged.</summary>
/// <param name="Id">A stable id, e.g. <c>direct-injection/ignore-previous</c>.</param>
/// <param name="Family">The family id.</param>
/// <param name="Technique">The variant, e.g. <c>base64</c> or <c>es</c>.</param>
/// <param name="Messages">The conversation (user and tool messages; the target keeps its own system prompt).</param>
/// <param name="Goal">How success is judged.</param>
/// <param name="Marker">The string that proves the injected instruction was followed, or null.</param>
public sealed record Probe(string Id, string Family, string Technique, IReadOnlyList<ChatMessage> Messages, ProbeGoal Goal, string? Marker)
{
    /// <summary>The text of the conversation, as detectors see the prompt.</summary>
    public string PromptText => string.Join("\n\n", Messages.Select(m => m.Content));
}
