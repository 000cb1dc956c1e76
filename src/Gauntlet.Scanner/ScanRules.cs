namespace Gauntlet.Scanner;

/// <summary>A rule the scanner can report, as listed in SARIF <c>tool.driver.rules</c> and docs/scanner.md.</summary>
/// <param name="Id">Stable identifier used in findings.</param>
/// <param name="Title">Short name.</param>
/// <param name="Description">What the rule detects and why it matters.</param>
public sealed record ScanRule(string Id, string Title, string Description);

/// <summary>The catalogue of rules. Every <see cref="Finding.RuleId"/> is one of these.</summary>
public static class ScanRules
{
    /// <summary>Every rule, in documentation order.</summary>
    public static IReadOnlyList<ScanRule> All { get; } =
    [
        new("pickle.dangerous-callable", "Dangerous callable in pickle", "The pickle imports or calls a denylisted callable (code execution, process, file, network or indirection gadgets)."),
        new("pickle.unknown-callable", "Unknown callable in pickle", "The pickle imports a callable that is neither allowlisted nor denylisted; importing it runs module code."),
        new("pickle.allowed-callable", "Allowlisted callables", "Callables that ML checkpoints legitimately use (tensor rebuild functions, NumPy reconstruction, estimator classes)."),
        new("pickle.dynamic-callable", "Callable computed at load time", "A REDUCE/NEWOBJ target or STACK_GLOBAL name is itself produced while loading, so its identity is not static."),
        new("pickle.malformed", "Malformed pickle", "The opcode stream is invalid or truncated; loaders and scanners may disagree about it."),
        new("pickle.memo-trick", "Pickle memo trick", "Memo entries are read before being written or overwritten, a pattern used to hide globals from scanners."),
        new("pickle.multiple-pickles", "Concatenated pickles", "More than one pickle follows in the stream; loaders that read repeatedly run all of them."),
        new("pickle.resource-exhaustion", "Pickle resource exhaustion", "Declared sizes, stack depth or memo indices that would exhaust memory when loaded."),
        new("pickle.extension-registry", "copyreg extension code", "EXT1/EXT2/EXT4 resolve a callable through the process-wide extension registry."),
        new("zip.anomaly", "Zip anomaly", "Flag bits, CRC mismatches, header disagreements or duplicate names that PyTorch ignores but other tools reject, a scanner-evasion technique."),
        new("zip.overlapping-entries", "Overlapping zip entries", "Entries share compressed data, the construction of non-recursive zip bombs."),
        new("archive.bomb", "Decompression bomb", "An entry or archive expands beyond the configured limits or at an implausible ratio."),
        new("archive.depth", "Archive nesting too deep", "Archives nested beyond the configured depth were not expanded."),
        new("archive.path-traversal", "Path traversal in archive", "An entry name is absolute or climbs out of the extraction folder."),
        new("archive.embedded-code", "Code file in archive", "A Python source, bytecode or native library is shipped inside a model archive."),
        new("torchscript.code", "TorchScript code", "The archive carries TorchScript code that runs when the model is used."),
        new("numpy.object-dtype", "NumPy object array", "An object-dtype array is stored as a pickle and needs allow_pickle=True to load."),
        new("numpy.malformed", "Malformed NumPy file", "The .npy header is invalid."),
        new("keras.lambda-layer", "Keras Lambda layer", "A Lambda layer carries Python bytecode or source that runs when the model is loaded or called."),
        new("keras.tfoplambda", "Keras TFOpLambda layer", "A TFOpLambda layer calls a TensorFlow function chosen by name in the config."),
        new("keras.custom-object", "Keras custom object", "The config names a class from outside Keras, which must be supplied as code to load the model."),
        new("keras.embedded-code", "Code in Keras archive", "The .keras archive contains Python or native code files."),
        new("keras.malformed", "Malformed Keras config", "The Keras configuration is not valid JSON."),
        new("hdf5.not-analysed", "HDF5 content not analysed", "The HDF5 file has no Keras model config that the scanner could locate; weights alone run no code."),
        new("tensorflow.dangerous-op", "Dangerous TensorFlow op", "The graph uses ops that run Python (PyFunc) or touch the file system (ReadFile, WriteFile, ...)."),
        new("tensorflow.malformed", "Malformed TensorFlow graph", "The SavedModel or GraphDef protobuf is invalid."),
        new("onnx.external-data", "ONNX external data escapes the model folder", "An initializer's external data location is absolute or climbs out of the model's folder."),
        new("onnx.custom-domain", "ONNX custom op domain", "The model uses operators from a domain that needs a custom op library (native code) to run."),
        new("onnx.python-op", "ONNX Python operator", "A PyOp / PythonOp node runs Python code inside the runtime."),
        new("onnx.absurd-size", "ONNX absurd declared size", "A tensor declares more elements or bytes than any real model, a memory-exhaustion vector."),
        new("onnx.malformed", "Malformed ONNX protobuf", "The ONNX protobuf is invalid."),
        new("safetensors.header", "Invalid safetensors header", "The header length or JSON is invalid."),
        new("safetensors.offsets", "Invalid safetensors offsets", "Tensor offsets are out of bounds, overlap, or disagree with dtype and shape."),
        new("gguf.header", "Invalid GGUF header", "Counts, strings or tensor descriptions in the GGUF header are impossible for the file."),
        new("gguf.chat-template", "Suspicious GGUF chat template", "The Jinja chat template reaches for Python internals (template-injection payloads)."),
        new("scan.not-analysed", "Not analysed", "The file or entry is in a format the scanner does not analyse, or could not be read."),
    ];

    /// <summary>Looks up a rule by id.</summary>
    /// <exception cref="KeyNotFoundException">No rule has that id.</exception>
    public static ScanRule Get(string id) => All.FirstOrDefault(r => r.Id == id) ?? throw new KeyNotFoundException($"no scan rule '{id}'");
}
