namespace Gauntlet.Scanner;

/// <summary>The format the scanner recognised an artifact as, by its bytes first and its name second.</summary>
public enum ArtifactFormat
{
    /// <summary>Not a recognised model or archive format.</summary>
    Unknown,

    /// <summary>A Python pickle stream (.pkl, .pickle, .dill, or any name).</summary>
    Pickle,

    /// <summary>A PyTorch zip checkpoint (<c>torch.save</c> since 1.6).</summary>
    PyTorchZip,

    /// <summary>The legacy PyTorch format: a magic number and sequential pickles.</summary>
    PyTorchLegacy,

    /// <summary>A TorchScript archive (contains code).</summary>
    TorchScript,

    /// <summary>A joblib file: pickle with inline NumPy array data.</summary>
    Joblib,

    /// <summary>A NumPy .npy array.</summary>
    NumPy,

    /// <summary>A NumPy .npz archive.</summary>
    NumPyZip,

    /// <summary>A Keras 3 .keras archive.</summary>
    Keras,

    /// <summary>An HDF5 file (Keras .h5 or plain weights).</summary>
    Hdf5,

    /// <summary>A TensorFlow SavedModel or GraphDef protobuf.</summary>
    TensorFlow,

    /// <summary>An ONNX model.</summary>
    Onnx,

    /// <summary>A safetensors file.</summary>
    Safetensors,

    /// <summary>A GGUF file.</summary>
    Gguf,

    /// <summary>A zip archive that is not one of the model formats above.</summary>
    Zip,

    /// <summary>A tar archive.</summary>
    Tar,

    /// <summary>A gzip, zlib, xz, lz4 (frame) or zstd stream, or joblib-compressed data.</summary>
    Compressed,

    /// <summary>A 7z archive.</summary>
    SevenZip,

    /// <summary>Python source (.py, .pyw, .pyi), scanned by the code and secret rules.</summary>
    PythonSource,

    /// <summary>A Jupyter notebook (.ipynb): code cells and outputs.</summary>
    Notebook,

    /// <summary>A config or text file (YAML, JSON, TOML, INI, .env, text, CSV, ...), scanned for secrets.</summary>
    Text,
    /// <summary>A CSV or TSV data file (read for personal data).</summary>
    Csv,

    /// <summary>A JSON or JSON Lines data file (read for personal data).</summary>
    Json,

    /// <summary>An Apache Parquet data file (read for personal data).</summary>
    Parquet,

    /// <summary>An IDX array file (MNIST-style), checked for leakage between splits.</summary>
    Idx,
}
