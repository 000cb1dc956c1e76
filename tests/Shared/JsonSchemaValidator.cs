using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gauntlet.TestSupport;

/// <summary>
/// A small JSON Schema validator (the draft-07 subset that the SARIF 2.1.0 and CycloneDX 1.6
/// schemas use): type, properties, required, additionalProperties, patternProperties, items,
/// enum, const, pattern, min/max items, length and value, uniqueItems, $ref to local
/// definitions and to sibling schema files, allOf/anyOf/oneOf/not and if/then/else. Formats
/// are not checked.
/// </summary>
internal sealed class JsonSchemaValidator
{
    private readonly string directory;
    private readonly Dictionary<string, JsonElement> documents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Regex> patterns = new(StringComparer.Ordinal);

    public JsonSchemaValidator(string directory) => this.directory = directory;

    public List<string> Validate(string schemaFile, JsonElement instance)
    {
        var errors = new List<string>();
        Check(Load(schemaFile), schemaFile, instance, "$", errors);
        return errors;
    }

    private JsonElement Load(string file)
    {
        if (!documents.TryGetValue(file, out var root))
        {
            root = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, file))).RootElement;
            documents[file] = root;
        }

        return root;
    }

    private void Check(JsonElement schema, string file, JsonElement value, string path, List<string> errors)
    {
        if (schema.ValueKind == JsonValueKind.False)
        {
            errors.Add($"{path}: no value allowed");
            return;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            var (target, targetFile) = Resolve(reference.GetString()!, file);
            Check(target, targetFile, value, path, errors);
        }

        if (schema.TryGetProperty("type", out var type) && !TypeMatches(type, value))
        {
            errors.Add($"{path}: expected type {type.GetRawText()}, got {value.ValueKind}");
            return;
        }

        if (schema.TryGetProperty("enum", out var options) && !options.EnumerateArray().Any(o => JsonEquals(o, value)))
        {
            errors.Add($"{path}: {value.GetRawText()} not in enum");
        }

        if (schema.TryGetProperty("const", out var constant) && !JsonEquals(constant, value))
        {
            errors.Add($"{path}: expected const {constant.GetRawText()}");
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (schema.TryGetProperty("pattern", out var pattern) && !Pattern(pattern.GetString()!).IsMatch(text))
                {
                    errors.Add($"{path}: '{text}' does not match {pattern.GetString()}");
                }

                if (schema.TryGetProperty("minLength", out var minLength) && text.Length < minLength.GetInt32())
                {
                    errors.Add($"{path}: shorter than {minLength.GetInt32()}");
                }

                if (schema.TryGetProperty("maxLength", out var maxLength) && text.Length > maxLength.GetInt32())
                {
                    errors.Add($"{path}: longer than {maxLength.GetInt32()}");
                }

                break;
            case JsonValueKind.Number:
                if (schema.TryGetProperty("minimum", out var minimum) && value.GetDouble() < minimum.GetDouble())
                {
                    errors.Add($"{path}: below minimum {minimum.GetDouble()}");
                }

                if (schema.TryGetProperty("maximum", out var maximum) && value.GetDouble() > maximum.GetDouble())
                {
                    errors.Add($"{path}: above maximum {maximum.GetDouble()}");
                }

                break;
            case JsonValueKind.Array:
                CheckArray(schema, file, value, path, errors);
                break;
            case JsonValueKind.Object:
                CheckObject(schema, file, value, path, errors);
                break;
        }

        if (schema.TryGetProperty("allOf", out var allOf))
        {
            foreach (var sub in allOf.EnumerateArray())
            {
                Check(sub, file, value, path, errors);
            }
        }

        if (schema.TryGetProperty("anyOf", out var anyOf) && !anyOf.EnumerateArray().Any(sub => IsValid(sub, file, value, path)))
        {
            errors.Add($"{path}: matches none of anyOf");
        }

        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            var matches = oneOf.EnumerateArray().Count(sub => IsValid(sub, file, value, path));
            if (matches != 1)
            {
                errors.Add($"{path}: matches {matches} of oneOf, expected exactly 1");
            }
        }

        if (schema.TryGetProperty("not", out var not) && IsValid(not, file, value, path))
        {
            errors.Add($"{path}: matches a 'not' schema");
        }

        if (schema.TryGetProperty("if", out var condition))
        {
            var branch = IsValid(condition, file, value, path) ? "then" : "else";
            if (schema.TryGetProperty(branch, out var consequence))
            {
                Check(consequence, file, value, path, errors);
            }
        }
    }

    private void CheckArray(JsonElement schema, string file, JsonElement value, string path, List<string> errors)
    {
        var items = value.EnumerateArray().ToList();
        if (schema.TryGetProperty("minItems", out var minItems) && items.Count < minItems.GetInt32())
        {
            errors.Add($"{path}: fewer than {minItems.GetInt32()} items");
        }

        if (schema.TryGetProperty("maxItems", out var maxItems) && items.Count > maxItems.GetInt32())
        {
            errors.Add($"{path}: more than {maxItems.GetInt32()} items");
        }

        if (schema.TryGetProperty("uniqueItems", out var unique) && unique.ValueKind == JsonValueKind.True)
        {
            for (var i = 0; i < items.Count; i++)
            {
                for (var j = i + 1; j < items.Count; j++)
                {
                    if (JsonEquals(items[i], items[j]))
                    {
                        errors.Add($"{path}: items {i} and {j} are equal but must be unique");
                    }
                }
            }
        }

        if (schema.TryGetProperty("items", out var itemSchema))
        {
            for (var i = 0; i < items.Count; i++)
            {
                var sub = itemSchema.ValueKind == JsonValueKind.Array ? (i < itemSchema.GetArrayLength() ? itemSchema[i] : default) : itemSchema;
                if (sub.ValueKind != JsonValueKind.Undefined)
                {
                    Check(sub, file, items[i], $"{path}[{i}]", errors);
                }
            }
        }
    }

    private void CheckObject(JsonElement schema, string file, JsonElement value, string path, List<string> errors)
    {
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray())
            {
                if (!value.TryGetProperty(name.GetString()!, out _))
                {
                    errors.Add($"{path}: missing required '{name.GetString()}'");
                }
            }
        }

        schema.TryGetProperty("properties", out var properties);
        schema.TryGetProperty("patternProperties", out var patternProperties);
        schema.TryGetProperty("additionalProperties", out var additional);
        foreach (var property in value.EnumerateObject())
        {
            var matched = false;
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                matched = true;
                Check(propertySchema, file, property.Value, $"{path}.{property.Name}", errors);
            }

            if (patternProperties.ValueKind == JsonValueKind.Object)
            {
                foreach (var candidate in patternProperties.EnumerateObject().Where(p => Pattern(p.Name).IsMatch(property.Name)))
                {
                    matched = true;
                    Check(candidate.Value, file, property.Value, $"{path}.{property.Name}", errors);
                }
            }

            if (!matched && additional.ValueKind != JsonValueKind.Undefined)
            {
                Check(additional, file, property.Value, $"{path}.{property.Name}", errors);
            }
        }
    }

    private bool IsValid(JsonElement schema, string file, JsonElement value, string path)
    {
        var errors = new List<string>();
        Check(schema, file, value, path, errors);
        return errors.Count == 0;
    }

    private (JsonElement Schema, string File) Resolve(string reference, string currentFile)
    {
        var hash = reference.IndexOf('#', StringComparison.Ordinal);
        var filePart = hash >= 0 ? reference[..hash] : reference;
        var pointer = hash >= 0 ? reference[(hash + 1)..] : string.Empty;
        var file = filePart.Length == 0 ? currentFile : Path.GetFileName(new Uri(filePart, UriKind.RelativeOrAbsolute).IsAbsoluteUri ? new Uri(filePart).AbsolutePath : filePart);
        var node = Load(file);
        foreach (var raw in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var segment = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node.ValueKind == JsonValueKind.Array ? node[int.Parse(segment, System.Globalization.CultureInfo.InvariantCulture)] : node.GetProperty(segment);
        }

        return (node, file);
    }

    private Regex Pattern(string pattern)
    {
        if (!patterns.TryGetValue(pattern, out var regex))
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant);
            patterns[pattern] = regex;
        }

        return regex;
    }

    private static bool TypeMatches(JsonElement type, JsonElement value) => type.ValueKind == JsonValueKind.Array
        ? type.EnumerateArray().Any(t => TypeMatches(t.GetString()!, value))
        : TypeMatches(type.GetString()!, value);

    private static bool TypeMatches(string type, JsonElement value) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && Math.Floor(value.GetDouble()) == value.GetDouble(),
        _ => true,
    };

    private static bool JsonEquals(JsonElement a, JsonElement b) => JsonElement.DeepEquals(a, b);
}
