using System.Text.Json;

namespace Gauntlet.Scanner.Formats;

/// <summary>
/// Walks a Keras model configuration (config.json in .keras, the model_config attribute in .h5)
/// for layers that carry code: Lambda, TFOpLambda and classes from outside Keras.
/// </summary>
internal static class KerasConfigInspector
{
    private const long MaxConfigBytes = 64L << 20;
    private static readonly string[] KerasModules = ["keras", "tensorflow", "tf_keras", "builtins"];

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

    public static void Inspect(JsonElement element, string location, ScanContext context, int depth)
    {
        if (depth > 200)
        {
            return;
        }

        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Inspect(item, location, context, depth + 1);
            }

            return;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (element.TryGetProperty("class_name", out var classElement) && classElement.ValueKind == JsonValueKind.String)
        {
            CheckLayer(element, classElement.GetString()!, location, context);
        }

        foreach (var property in element.EnumerateObject())
        {
            Inspect(property.Value, location, context, depth + 1);
        }
    }

    private static void CheckLayer(JsonElement layer, string className, string location, ScanContext context)
    {
        var name = layer.TryGetProperty("config", out var config) && config.ValueKind == JsonValueKind.Object
            && config.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : "?";
        switch (className)
        {
            case "Lambda":
                context.Add("keras.lambda-layer", Severity.High, $"Lambda layer '{name}' carries Python code (marshalled bytecode or source) that runs when the model is loaded without safe_mode or called", location);
                return;
            case "TFOpLambda" or "SlicingOpLambda":
                var function = config.ValueKind == JsonValueKind.Object && config.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : "?";
                context.Add("keras.tfoplambda", Severity.Medium, $"{className} layer '{name}' calls TensorFlow function '{function}' chosen by name", location);
                return;
        }

        if (layer.TryGetProperty("module", out var module) && module.ValueKind == JsonValueKind.String)
        {
            var moduleName = module.GetString()!;
            if (!KerasModules.Any(k => moduleName == k || moduleName.StartsWith(k + ".", StringComparison.Ordinal)))
            {
                context.Add("keras.custom-object", Severity.Medium, $"'{className}' comes from module '{moduleName}', outside Keras: loading needs that code", location);
            }
        }
    }
}
