namespace Gauntlet.Scanner;

/// <summary>Limits and filters for a scan. The defaults stop decompression bombs and runaway pickles on a laptop.</summary>
public sealed record ScanOptions
{
    /// <summary>How many archives deep the scanner descends (a zip inside a tar is depth 2).</summary>
    public int MaxArchiveDepth { get; init; } = 6;

    /// <summary>Largest single archive entry the scanner will expand, declared or actual, in bytes.</summary>
    public long MaxEntryBytes { get; init; } = 1L << 30;

    /// <summary>Largest entry held in memory for formats that need random access (nested zips, ONNX, ...).</summary>
    public long MaxInMemoryBytes { get; init; } = 256L << 20;

    /// <summary>Total bytes the scanner will decompress for one top-level file.</summary>
    public long MaxTotalDecompressedBytes { get; init; } = 4L << 30;

    /// <summary>Most entries examined in one archive.</summary>
    public int MaxArchiveEntries { get; init; } = 100_000;

    /// <summary>Compression ratio above which a large entry (over 16 MiB) is reported as a likely bomb.</summary>
    public double MaxCompressionRatio { get; init; } = 500;

    /// <summary>Most values held on a pickle stack before the stream is reported as resource exhaustion.</summary>
    public int MaxPickleStack { get; init; } = 100_000;

    /// <summary>Most memo entries (and the largest memo index) before resource exhaustion is reported.</summary>
    public int MaxPickleMemo { get; init; } = 1_000_000;

    /// <summary>Glob patterns a file must match (relative to the scanned folder); empty means all files.</summary>
    public IReadOnlyList<string> Include { get; init; } = [];

    /// <summary>Glob patterns that exclude files (relative to the scanned folder).</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>Whether to compute the SHA-256 of every top-level file (needed for the ML-BOM).</summary>
    public bool ComputeHashes { get; init; } = true;
}
