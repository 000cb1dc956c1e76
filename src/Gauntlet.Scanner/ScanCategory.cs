namespace Gauntlet.Scanner;

/// <summary>
/// What a scan looks at, chosen with <c>gauntlet scan --only</c> (<see cref="ScanOptions.Categories"/>).
/// Each file is routed to one analyser; a file whose analyser belongs to no selected category is
/// left out of the report.
/// </summary>
public enum ScanCategory
{
    /// <summary>Model artifacts and archives: pickle, PyTorch, joblib, NumPy, Keras, TensorFlow, ONNX, safetensors, GGUF, zip/tar/7z, compressed streams.</summary>
    Models,

    /// <summary>Python source files and Jupyter notebook code cells: unsafe loads, code execution, TLS, downloads, credentials, logging of raw inputs.</summary>
    Code,

    /// <summary>Secrets (cloud keys, tokens, private keys, connection strings, high-entropy values) in code, notebooks, configs and text files.</summary>
    Secrets,

    /// <summary>Personal data in data files (CSV, JSON lines, ...).</summary>
    Pii,

    /// <summary>Train/test leakage between data splits.</summary>
    Leakage,
}
