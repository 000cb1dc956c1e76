namespace Gauntlet.Reporting;

/// <summary>How to reproduce a report: versions, seeds, hashes (shown as code) and the command lines to run.</summary>
public sealed record ReproductionBlock : Block
{
    /// <summary>What the table shows (read by screen readers).</summary>
    public string Caption { get; init; } = "Reproducibility";

    /// <summary>Named values: tool version, seed, SHA-256s, machine.</summary>
    public IReadOnlyList<LabeledText> Items { get; init; } = [];

    /// <summary>Command lines, one per entry, shown verbatim.</summary>
    public IReadOnlyList<string> Commands { get; init; } = [];
}
