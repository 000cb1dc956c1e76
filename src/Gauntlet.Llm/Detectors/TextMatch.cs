namespace Gauntlet.Llm.Detectors;

/// <summary>A span of text a detector matched: what kind, where, and the text itself.</summary>
/// <param name="Kind">E.g. <c>email</c>, <c>openai-key</c>, <c>canary</c>, <c>system-prompt</c>, <c>markdown-image</c>.</param>
/// <param name="Start">Index of the first character.</param>
/// <param name="Length">Number of characters.</param>
/// <param name="Value">The matched text.</param>
public sealed record TextMatch(string Kind, int Start, int Length, string Value)
{
    /// <summary>Index after the last character.</summary>
    public int End => Start + Length;
}

/// <summary>What a detector concluded about one response.</summary>
/// <param name="Detector">The detector's name.</param>
/// <param name="Hit">Whether it fired.</param>
/// <param name="Score">Its score, 0 to 1.</param>
/// <param name="Reasons">Why, in short phrases; empty when it did not fire.</param>
public sealed record DetectorResult(string Detector, bool Hit, double Score, IReadOnlyList<string> Reasons);

/// <summary>What a detector sees of one attempt.</summary>
public sealed record DetectionContext
{
    /// <summary>The prompt sent (the user-visible text of the attempt).</summary>
    public required string Prompt { get; init; }

    /// <summary>The target's reply.</summary>
    public required string Response { get; init; }

    /// <summary>The target's system prompt when known (the practice target's, or one given with --system-prompt), else null.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Canary tokens planted in the system prompt or context.</summary>
    public IReadOnlyList<string> Canaries { get; init; } = [];

    /// <summary>The string whose appearance proves the probe's instruction was followed, or null.</summary>
    public string? Marker { get; init; }

    /// <summary>Domains a reply may link to.</summary>
    public IReadOnlyList<string> AllowedDomains { get; init; } = [];
}

/// <summary>Scores one response for one kind of failure.</summary>
public interface IDetector
{
    /// <summary>The detector's name, e.g. <c>refusal</c>.</summary>
    string Name { get; }

    /// <summary>Scores the response.</summary>
    /// <param name="context">The attempt.</param>
    /// <returns>The result.</returns>
    DetectorResult Detect(DetectionContext context);
}
