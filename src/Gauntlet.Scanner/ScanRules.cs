namespace Gauntlet.Scanner;

/// <summary>A rule the scanner can report, as listed in SARIF <c>tool.driver.rules</c> and docs/scanner.md.</summary>
/// <param name="Id">Stable identifier used in findings.</param>
/// <param name="Title">Short name.</param>
/// <param name="Description">What the rule detects and why it matters.</param>
/// <param name="Remediation">What to do about a finding.</param>
/// <param name="Cwe">CWE ids of the weakness the rule detects (empty when it reports no weakness, as for informational rules).</param>
public sealed record ScanRule(string Id, string Title, string Description, string Remediation, IReadOnlyList<string> Cwe);

/// <summary>The catalogue of rules. Every <see cref="Finding.RuleId"/> is one of these.</summary>
public static class ScanRules
{
    /// <summary>The category every scanner finding has in a core <see cref="Core.Finding"/>.</summary>
    public const string Category = "supply_chain";

    /// <summary>OWASP ML Top 10 (2023) ids every scanner finding maps to: ML06, AI supply chain attacks.</summary>
    public static IReadOnlyList<string> OwaspMl { get; } = ["ML06:2023"];

    /// <summary>MITRE ATLAS ids every scanner finding maps to: ML supply chain compromise of a model (AML.T0010.003) and user execution of unsafe ML artifacts (AML.T0011.000).</summary>
    public static IReadOnlyList<string> MitreAtlas { get; } = ["AML.T0010.003", "AML.T0011.000"];

    /// <summary>Every rule, in documentation order.</summary>
    public static IReadOnlyList<ScanRule> All { get; } =
    [
        new("pickle.dangerous-callable", "Dangerous callable in pickle", "The pickle imports or calls a denylisted callable (code execution, process, file, network or indirection gadgets).", "Do not load the file. Obtain the model from a trusted source, or re-export it in a format that cannot run code (safetensors, ONNX).", ["CWE-502", "CWE-94"]),
        new("pickle.unknown-callable", "Unknown callable in pickle", "The pickle imports a callable that is neither allowlisted nor denylisted; importing it runs module code.", "Check that the module is expected for this model; load with torch.load(weights_only=True) or an allowlisting unpickler, or convert to safetensors.", ["CWE-502"]),
        new("pickle.allowed-callable", "Allowlisted callables", "Callables that ML checkpoints legitimately use (tensor rebuild functions, NumPy reconstruction, estimator classes).", "None needed; listed so the callables a checkpoint uses can be reviewed.", []),
        new("pickle.dynamic-callable", "Callable computed at load time", "A REDUCE/NEWOBJ target or STACK_GLOBAL name is itself produced while loading, so its identity is not static.", "Do not load the file: a callable chosen at load time cannot be vetted statically. Re-export the weights to safetensors.", ["CWE-502"]),
        new("pickle.malformed", "Malformed pickle", "The opcode stream is invalid or truncated; loaders and scanners may disagree about it.", "Do not load the file; regenerate it from the original training code.", ["CWE-20"]),
        new("pickle.memo-trick", "Pickle memo trick", "Memo entries are read before being written or overwritten, a pattern used to hide globals from scanners.", "Do not load the file: hiding globals from scanners has no benign use. Re-export the weights to safetensors.", ["CWE-502"]),
        new("pickle.multiple-pickles", "Concatenated pickles", "More than one pickle follows in the stream; loaders that read repeatedly run all of them.", "Load only the first pickle, or better, re-export the weights to safetensors.", ["CWE-502"]),
        new("pickle.resource-exhaustion", "Pickle resource exhaustion", "Declared sizes, stack depth or memo indices that would exhaust memory when loaded.", "Do not load the file, or load it only in a sandbox with memory limits.", ["CWE-400"]),
        new("pickle.extension-registry", "copyreg extension code", "EXT1/EXT2/EXT4 resolve a callable through the process-wide extension registry.", "Do not load the file: the callable depends on process state a scanner cannot see. Re-export the weights to safetensors.", ["CWE-502"]),
        new("pickle.anomaly", "Pickle structure that tools disagree on", "A FRAME that an opcode straddles, a second PROTO mid-stream, or a container that contains itself: CPython accepts some of these while other readers crash, recurse forever or stop early, a scanner-evasion technique.", "Do not load the file; regenerate it with pickle.dump from the original objects.", ["CWE-436"]),
        new("embedded.payload", "Pickle embedded in another value", "A pickle (or a PyTorch zip) is stored as bytes, hex or base64 inside a pickle, a config, a zip member or safetensors metadata; code that reads it back unpickles it. The inner pickle is scanned and its callables reported at their own severity.", "Do not load the file with code that unpickles stored blobs; remove the embedded pickle or replace it with plain data.", ["CWE-502"]),
        new("embedded.python-source", "Python source in metadata", "A metadata string reads as Python source (import lines, exec/eval, os.system). Nothing runs it by itself, but a loader that evaluates metadata would.", "Check why the metadata holds code; remove it if nothing needs it.", ["CWE-94"]),
        new("zip.anomaly", "Zip anomaly", "Flag bits, CRC mismatches, header disagreements or duplicate names that PyTorch ignores but other tools reject, a scanner-evasion technique.", "Re-create the archive with the tool that wrote it (torch.save, zipfile) and compare; treat a mismatch as tampering.", ["CWE-436"]),
        new("zip.overlapping-entries", "Overlapping zip entries", "Entries share compressed data, the construction of non-recursive zip bombs.", "Do not extract the archive; obtain the model again from its source.", ["CWE-409"]),
        new("archive.bomb", "Decompression bomb", "An entry or archive expands beyond the configured limits or at an implausible ratio.", "Do not extract the archive without size limits; obtain the model again from its source.", ["CWE-409"]),
        new("archive.depth", "Archive nesting too deep", "Archives nested beyond the configured depth were not expanded.", "Unpack the archive by hand and scan the inner files, or raise --max-depth if the nesting is expected.", ["CWE-409"]),
        new("archive.path-traversal", "Path traversal in archive", "An entry name is absolute or climbs out of the extraction folder.", "Do not extract the archive with a tool that follows entry names; obtain the model again from its source.", ["CWE-22"]),
        new("archive.embedded-code", "Code file in archive", "A Python source, bytecode or native library is shipped inside a model archive.", "Review the code file; remove it from the model package if the model does not need it.", ["CWE-829"]),
        new("torchscript.code", "TorchScript code", "The archive carries TorchScript code that runs when the model is used.", "Review the TorchScript code, or load only the weights (a state_dict) into code you control.", ["CWE-94"]),
        new("numpy.object-dtype", "NumPy object array", "An object-dtype array is stored as a pickle and needs allow_pickle=True to load.", "Load with numpy.load(allow_pickle=False), or re-save the array with a numeric dtype.", ["CWE-502"]),
        new("numpy.malformed", "Malformed NumPy file", "The .npy header is invalid.", "Re-save the array with numpy.save.", ["CWE-20"]),
        new("keras.lambda-layer", "Keras Lambda layer", "A Lambda layer carries Python bytecode or source that runs when the model is loaded or called.", "Replace the Lambda layer with a built-in or registered layer, and load with safe_mode=True.", ["CWE-94"]),
        new("keras.tfoplambda", "Keras TFOpLambda layer", "A TFOpLambda layer calls a TensorFlow function chosen by name in the config.", "Check the TensorFlow function the layer calls; load with safe_mode=True.", ["CWE-470"]),
        new("keras.custom-object", "Keras custom object", "The config names a class from outside Keras, which must be supplied as code to load the model.", "Supply the custom class from code you trust, and review it before loading.", ["CWE-470"]),
        new("keras.unsafe-callable", "Keras config imports a dangerous callable", "An object or function in the config has a module outside Keras that the callable table denylists (subprocess.Popen, builtins.exec, os.system as a 'function': the CVE-2025-1550 pattern); Keras imports and calls it while loading.", "Do not load the model; re-save it from code you trust with only Keras layers.", ["CWE-502", "CWE-94"]),
        new("keras.torch-module", "Keras TorchModuleWrapper layer", "A TorchModuleWrapper layer is rebuilt with torch.load(weights_only=False) from a checkpoint inside the config, so any pickle in it runs (CVE-2025-49655); the embedded checkpoint is scanned too.", "Do not load the model unless you trust its source; rebuild the torch module in code and load only its weights.", ["CWE-502"]),
        new("keras.remote-fetch", "Keras config fetches from the network", "The config calls get_file (or another download function) or holds a URL, so loading the model downloads files from outside it (CVE-2025-8747).", "Remove the download from the config; ship every file the model needs inside it.", ["CWE-829"]),
        new("keras.safe-mode-bypass", "Keras safe mode switched off by the config", "The config names keras.config.enable_unsafe_deserialization, which, called while loading, turns safe_mode off for the Lambda layers after it (CVE-2025-9906).", "Do not load the model; it is built to defeat safe_mode.", ["CWE-693", "CWE-94"]),
        new("keras.embedded-code", "Code in Keras archive", "The .keras archive contains Python or native code files.", "Remove the code files from the archive; a .keras model needs none.", ["CWE-829"]),
        new("keras.malformed", "Malformed Keras config", "The Keras configuration is not valid JSON.", "Re-save the model with model.save.", ["CWE-20"]),
        new("hdf5.not-analysed", "HDF5 content not analysed", "The HDF5 file has no Keras model config that the scanner could locate; weights alone run no code.", "None needed for weight-only files; load them into an architecture defined in your own code.", []),
        new("tensorflow.dangerous-op", "Dangerous TensorFlow op", "The graph uses ops that run Python (PyFunc) or touch the file system (ReadFile, WriteFile, ...).", "Review the graph's use of the op; serve the model with those ops disallowed, or re-export it without them.", ["CWE-94"]),
        new("tensorflow.file-path", "TensorFlow file op with a planted path", "A Save/Restore (or ReadFile/WriteFile) op's file name comes from a constant that is absolute or climbs out of the model folder, or is computed by other ops instead of the path the loader feeds in.", "Re-export the model with tf.saved_model.save; do not serve a graph that chooses its own file paths.", ["CWE-22", "CWE-73"]),
        new("tensorflow.malformed", "Malformed TensorFlow graph", "The SavedModel or GraphDef protobuf is invalid.", "Re-export the model with tf.saved_model.save.", ["CWE-20"]),
        new("onnx.external-data", "ONNX external data escapes the model folder", "An initializer's external data location is absolute or climbs out of the model's folder.", "Keep external data files beside the model; do not load a model whose data locations leave its folder.", ["CWE-22"]),
        new("onnx.custom-domain", "ONNX custom op domain", "The model uses operators from a domain that needs a custom op library (native code) to run.", "Load the model only with custom op libraries you trust, or re-export it with standard operators.", ["CWE-829"]),
        new("onnx.python-op", "ONNX Python operator", "A PyOp / PythonOp node runs Python code inside the runtime.", "Do not run the model in a runtime with Python operators enabled; re-export it with standard operators.", ["CWE-94"]),
        new("onnx.absurd-size", "ONNX absurd declared size", "A tensor declares more elements or bytes than any real model, a memory-exhaustion vector.", "Do not load the model; obtain it again from its source.", ["CWE-789"]),
        new("onnx.malformed", "Malformed ONNX protobuf", "The ONNX protobuf is invalid.", "Re-export the model (torch.onnx.export, tf2onnx) and check it with onnx.checker.", ["CWE-20"]),
        new("safetensors.header", "Invalid safetensors header", "The header length or JSON is invalid.", "Re-save the tensors with safetensors.", ["CWE-20"]),
        new("safetensors.offsets", "Invalid safetensors offsets", "Tensor offsets are out of bounds, overlap, or disagree with dtype and shape.", "Re-save the tensors with safetensors.", ["CWE-20", "CWE-125"]),
        new("gguf.header", "Invalid GGUF header", "Counts, strings or tensor descriptions in the GGUF header are impossible for the file.", "Do not load the file; obtain it again from its source.", ["CWE-20", "CWE-789"]),
        new("gguf.chat-template", "Suspicious GGUF chat template", "The Jinja chat template reaches for Python internals (template-injection payloads).", "Replace the chat template with a reviewed one before serving the model; render templates in a sandboxed environment.", ["CWE-1336"]),
        new("scan.link-outside-root", "Link leaves the scanned folder", "A symbolic link inside the scanned folder resolves to a file or folder outside it. The target is scanned too, but the folder is not self-contained: what it loads lives elsewhere (a shared cache, another user's folder) and can change without the folder changing.", "Copy the target into the model folder, or scan the folder the link points into, and check who can write to it.", ["CWE-59"]),
        new("scan.link-loop", "Symbolic link loop", "A symbolic link leads back to a folder on the path being walked, or links point at each other; it is not followed again (info when it only reaches a folder already scanned under another name).", "Remove the loop; a model folder needs no cyclic links.", ["CWE-835"]),
        new("scan.dangling-link", "Dangling symbolic link", "A symbolic link whose target does not exist; whatever is put there later would be loaded without having been scanned.", "Remove the link, or scan again once its target is in place.", ["CWE-59"]),
        new("scan.not-regular-file", "Not a regular file", "A character or block device, FIFO or socket. It is never opened: a read could block forever (a FIFO) or never end (/dev/zero), in a scanner or in the loader.", "Remove it from the model folder; a model is made of regular files.", ["CWE-400"]),
        new("scan.not-analysed", "Not analysed", "The file or entry is in a format the scanner does not analyse, or could not be read.", "Check the file by other means, or convert it to a format the scanner analyses.", []),

        // Data files: personal data, leakage between splits, privacy policy (issue 21, data half).
        .. Data.DataRules.All,
    ];

    /// <summary>Looks up a rule by id.</summary>
    /// <exception cref="KeyNotFoundException">No rule has that id.</exception>
    public static ScanRule Get(string id) => All.FirstOrDefault(r => r.Id == id) ?? throw new KeyNotFoundException($"no scan rule '{id}'");
}
