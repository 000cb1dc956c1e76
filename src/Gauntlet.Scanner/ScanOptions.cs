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

    /// <summary>
    /// Largest top-level file the scanner opens, in bytes (default 64 GiB, above the biggest
    /// single-file checkpoints in use). A bigger file is listed as not analysed (medium) without
    /// being read or hashed, so one planted file cannot make a CI scan run for hours.
    /// </summary>
    public long MaxFileBytes { get; init; } = 64L << 30;

    /// <summary>
    /// How many folders deep a folder scan descends below the scanned folder (default 32). Deeper
    /// folders are listed as not analysed (medium). Bounds the walk where loop detection cannot
    /// (bind mounts, or a file system that does not report link targets).
    /// </summary>
    public int MaxFolderDepth { get; init; } = 32;

    /// <summary>
    /// Most entries (files, links, special files) a folder scan lists (default 100,000); past it the
    /// walk stops and the rest is reported as not analysed (medium). Bounds a link that leads to
    /// <c>/</c> or to a huge shared cache.
    /// </summary>
    public int MaxFiles { get; init; } = 100_000;

    /// <summary>Glob patterns a file must match (relative to the scanned folder); empty means all files.</summary>
    public IReadOnlyList<string> Include { get; init; } = [];

    /// <summary>Glob patterns that exclude files (relative to the scanned folder).</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>Whether to compute the SHA-256 of every top-level file (needed for the ML-BOM).</summary>
    public bool ComputeHashes { get; init; } = true;

    /// <summary>What to scan (<c>--only</c>): every category by default. Files routed to an analyser of no selected category are left out of the report.</summary>
    public IReadOnlySet<ScanCategory> Categories { get; init; } = new HashSet<ScanCategory>(Enum.GetValues<ScanCategory>());

    /// <summary>Largest Python source, notebook or text file analysed, in bytes (default 64 MiB); bigger ones are listed as not analysed.</summary>
    public long MaxSourceBytes { get; init; } = 64L << 20;
    /// <summary>
    /// Whether the PII pass samples data files larger than <see cref="SampleBytes"/> (default on):
    /// the first half of the sample size is read row by row, the rest as blocks at seeded random
    /// offsets. Off (<c>--no-sampling</c>) reads every row.
    /// </summary>
    public bool Sampling { get; init; } = true;

    /// <summary>How many bytes of a data file the PII pass reads when sampling (default 64 MiB).</summary>
    public long SampleBytes { get; init; } = 64L << 20;

    /// <summary>Seed of the random block offsets when sampling (recorded in the finding that states the sample).</summary>
    public int SamplingSeed { get; init; }

    /// <summary>The declared privacy policy that data inventories are checked against, or null for none.</summary>
    public Data.PrivacyPolicy? PrivacyPolicy { get; init; }

    /// <summary>
    /// Whether a folder scan compares files named like splits (<c>*train*</c> with the same name
    /// with <c>test</c>, or <c>t10k</c> for IDX) for leakage (default on).
    /// </summary>
    public bool PairSplits { get; init; } = true;
}
