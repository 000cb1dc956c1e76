namespace Gauntlet.Scanner;

/// <summary>The kinds of analysis <c>gauntlet scan</c> routes files to (and <c>--only</c> selects).</summary>
public enum ScanCategory
{
    /// <summary>Model artifacts: pickles, checkpoints, archives and the other model formats.</summary>
    Models,

    /// <summary>ML code: Python scripts and Jupyter notebooks.</summary>
    Code,

    /// <summary>Secrets (keys, tokens, connection strings) in code, configs and data files.</summary>
    Secrets,

    /// <summary>Personal data in data files (CSV, TSV, JSON, JSONL, Parquet, NPZ/NPY metadata), and the privacy policy checks on it.</summary>
    Pii,

    /// <summary>Leakage between train and test splits: duplicates, label leakage, distribution mismatch.</summary>
    Leakage,
}
