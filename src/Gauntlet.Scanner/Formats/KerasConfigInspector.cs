using System.Text.Json;
using Gauntlet.Scanner.Pickle;

namespace Gauntlet.Scanner.Formats;

/// <summary>
/// Walks a Keras model configuration (config.json in .keras, the model_config attribute in .h5)
/// for what runs code when the model is loaded: Lambda and TFOpLambda layers, TorchModuleWrapper
/// layers (a torch.load of an embedded checkpoint, CVE-2025-49655), objects and functions whose
/// <c>module</c> lies outside Keras (<c>subprocess.Popen</c> as a "function", the CVE-2025-1550
/// pattern, judged by the same callable table as pickles), <c>get_file</c> and URLs (a download
/// at load time, CVE-2025-8747), and <c>enable_unsafe_deserialization</c> (switching safe mode
/// off from inside the config, CVE-2025-9906). String values that spell a pickle are scanned.
/// </summary>
internal static class KerasConfigInspector
{
    private const long MaxConfigBytes = 64L << 20;
    private static readonly string[] KerasModules = ["keras", "tensorflow", "tf_keras"];

    // Keys that name the module a class or function is imported from (Keras 3 "module", the
    // Lambda layer's "fn_module"/"function_module" and its output-shape function's module).
    private static readonly string[] ModuleKeys = ["module", "fn_module", "function_module", "output_shape_module"];

    // TensorFlow functions a TFOpLambda can name that read, write or list files or run Python.
    private static readonly string[] DangerousTfFunctions = ["read_file", "write_file", "matching_files", "py_func", "py_function", "numpy_function", "gfile", "print", "debugging."];

    /// <summary>Reads a config.json member and inspects it.</summary>
    public static void InspectJson(Stream stream, string location, ScanContext context)
    {
        JsonDocument document;
        try
        {
            using var buffer = new MemoryStream();
            var limited = new Containers.LimitedStream(stream, MaxConfigBytes);
            limited.CopyTo(buffer);
            if (!System.Text.Unicode.Utf8.IsValid(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)))
            {
                context.Add("keras.malformed", Severity.Medium, "config is not valid UTF-8", location);
                return;
            }

            document = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            context.Add("keras.malformed", Severity.Medium, $"config is not valid JSON: {ex.Message}", location);
            return;
        }

        using (document)
        {
            Inspect(document.RootElement, location, context, 0);
        }
    }

    /// <summary>
    /// Whether the head of a config.json reads as a Keras model config (an object naming a
    /// <c>class_name</c> and its <c>config</c>), so a .keras archive without metadata.json is
    /// still recognised by its content.
    /// </summary>
    public static bool LooksLikeKerasConfig(ReadOnlySpan<byte> head)
    {
        var text = head.TrimStart(" \t\r\n"u8);
        return text.Length > 0 && text[0] == (byte)'{' && text.IndexOf("\"class_name\""u8) >= 0 && text.IndexOf("\"config\""u8) >= 0;
    }

    /// <summary>Inspects one element of a parsed config and everything under it.</summary>
    public static void Inspect(JsonElement element, string location, ScanContext context, int depth)
    {
        if (depth > 200)
        {
            return;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Inspect(item, location, context, depth + 1);
                }

                return;
            case JsonValueKind.String:
                CheckString(element.GetString()!, location, context);
                return;
            case JsonValueKind.Object:
                break;
            default:
                return;
        }

        if (element.TryGetProperty("class_name", out var classElement) && classElement.ValueKind == JsonValueKind.String)
        {
            CheckLayer(element, classElement.GetString()!, location, context);
        }

        CheckModules(element, location, context);
        foreach (var property in element.EnumerateObject())
        {
            Inspect(property.Value, location, context, depth + 1);
        }
    }

    private static void CheckString(string value, string location, ScanContext context)
    {
        if (value.EndsWith("enable_unsafe_deserialization", StringComparison.Ordinal))
        {
            context.Add("keras.safe-mode-bypass", Severity.Critical, $"the config names '{value}': calling it while loading switches safe mode off, so a Lambda layer later in the config runs its code (CVE-2025-9906)", location);
        }
        else if (value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || value.StartsWith("ftp://", StringComparison.OrdinalIgnoreCase))
        {
            context.Add("keras.remote-fetch", Severity.Medium, $"the config holds the URL '{Preview(value)}'; a config that downloads while loading fetches files from outside the model (CVE-2025-8747)", location);
        }
        else if (value.Length >= EmbeddedPayloads.MinBytes)
        {
            EmbeddedPayloads.ScanText(value, "as text in the Keras config", location, context, lookForSource: false);
        }
    }

    private static void CheckLayer(JsonElement layer, string className, string location, ScanContext context)
    {
        var config = layer.TryGetProperty("config", out var c) ? c : default;
        var name = config.ValueKind == JsonValueKind.Object && config.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : "?";
        switch (className)
        {
            case "Lambda":
                context.Add("keras.lambda-layer", Severity.High, $"Lambda layer '{name}' carries Python code (marshalled bytecode or source) that runs when the model is loaded without safe_mode or called", location);
                return;
            case "TFOpLambda" or "SlicingOpLambda":
                var function = config.ValueKind == JsonValueKind.Object && config.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : "?";
                var touchesFiles = function.StartsWith("io.", StringComparison.Ordinal) || function.Contains(".io.", StringComparison.Ordinal)
                    || DangerousTfFunctions.Any(d => function.Contains(d, StringComparison.Ordinal));
                context.Add("keras.tfoplambda", touchesFiles ? Severity.High : Severity.Medium,
                    $"{className} layer '{name}' calls TensorFlow function '{function}' chosen by name" + (touchesFiles ? ", which reads or writes files or runs Python" : string.Empty), location);
                return;
            case "TorchModuleWrapper":
                // Keras 3 stores the wrapped module as a base64 torch.save checkpoint and
                // rebuilds it with torch.load(weights_only=False): any pickle in it runs.
                context.Add("keras.torch-module", Severity.High, $"TorchModuleWrapper layer '{name}' is rebuilt with torch.load(weights_only=False), which unpickles whatever it carries (CVE-2025-49655)", location);
                return;
        }
    }

    // An object whose module lies outside Keras: a class to import, or (class_name "function")
    // a function named by its config. Judged by the pickle callable table, since loading
    // imports and calls it just as an unpickler would.
    private static void CheckModules(JsonElement element, string location, ScanContext context)
    {
        foreach (var key in ModuleKeys)
        {
            if (!element.TryGetProperty(key, out var module) || module.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var moduleName = module.GetString()!;
            if (!IsModuleName(moduleName))
            {
                continue; // TorchModuleWrapper keeps its checkpoint under "module": a value, not a module name.
            }

            var callable = CallableName(element, key);
            if (callable is "get_file" or "urlopen" or "urlretrieve")
            {
                context.Add("keras.remote-fetch", Severity.High, $"the config calls {moduleName}.{callable}, which downloads a file while the model loads (CVE-2025-8747)", location);
                continue;
            }

            if (KerasModules.Any(k => moduleName == k || moduleName.StartsWith(k + ".", StringComparison.Ordinal)))
            {
                continue;
            }

            var verdict = CallableClassifier.Classify(moduleName, callable ?? string.Empty);
            if (verdict.IsHarmless || verdict.Severity == Severity.Info)
            {
                continue;
            }

            if (verdict.RuleId == "pickle.dangerous-callable" || verdict.Severity >= Severity.High)
            {
                context.Add("keras.unsafe-callable", verdict.Severity, $"the config imports {moduleName}.{callable} ({verdict.Reason}); Keras imports and calls it while loading (CVE-2025-1550)", location);
            }
            else
            {
                context.Add("keras.custom-object", Severity.Medium, $"'{callable}' comes from module '{moduleName}', outside Keras: loading needs that code", location);
            }
        }
    }

    // "function" objects name the function in "config" (or "function"); classes in "class_name".
    private static string? CallableName(JsonElement element, string moduleKey)
    {
        string? Text(string property) => element.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var className = Text("class_name");
        if (moduleKey != "module" || className is null or "function" or "__function__")
        {
            return Text("function") ?? Text("fn_name") ?? Text("config") ?? Text("registered_name") ?? className;
        }

        return className;
    }

    private static bool IsModuleName(string value) =>
        value.Length is > 0 and <= 200 && value.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.') && !char.IsAsciiDigit(value[0]);

    private static string Preview(string value) => value.Length > 120 ? value[..120] + "..." : value;
}
