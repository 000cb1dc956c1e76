namespace Gauntlet.Scanner;

/// <summary>
/// State shared by the analysers while one top-level file is scanned: the findings so far and the
/// budgets that keep nested archives from expanding without bound.
/// </summary>
internal sealed class ScanContext
{
    private readonly List<Finding> findings = [];
    private readonly HashSet<(string, string, string)> seen = [];

    public ScanContext(ScanOptions options, string? folder)
    {
        Options = options;
        Folder = folder;
    }

    public ScanOptions Options { get; }

    /// <summary>Folder of the top-level file, for resolving ONNX external data; null for in-memory scans.</summary>
    public string? Folder { get; }

    public long DecompressedBytes { get; private set; }

    /// <summary>How many embedded payloads (a pickle inside a pickle, a config or metadata) the current analysis is inside.</summary>
    public int EmbeddedDepth { get; set; }

    public IReadOnlyList<Finding> Findings => findings;

    public void Add(string ruleId, Severity severity, string message, string location, long? offset = null)
    {
        // The same message at the same place adds nothing (a mutated archive can repeat an entry thousands of times).
        if (seen.Add((ruleId, message, location)))
        {
            findings.Add(new Finding(ruleId, severity, message, location, offset));
        }
    }

    /// <summary>Adds a finding at a line and column of a data file (<see cref="Finding.Line"/>, <see cref="Finding.Column"/>).</summary>
    public void AddAt(string ruleId, Severity severity, string message, string location, int? line, string? column)
    {
        if (seen.Add((ruleId, message, location)))
        {
            findings.Add(new Finding(ruleId, severity, message, location) { Line = line, Field = column });
        }
    }

    /// <summary>The personal data found in a data file, when one was analysed for it (<see cref="Data.DataInventory"/>).</summary>
    public Data.DataInventory? Inventory { get; set; }

    /// <summary>Charges <paramref name="bytes"/> against the per-file decompression budget; false once it is spent.</summary>
    public bool TryCharge(long bytes)
    {
        DecompressedBytes += bytes;
        return DecompressedBytes <= Options.MaxTotalDecompressedBytes;
    }
}
