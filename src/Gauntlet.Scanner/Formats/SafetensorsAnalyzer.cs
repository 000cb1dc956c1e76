using System.Buffers.Binary;
using System.Text.Json;

namespace Gauntlet.Scanner.Formats;

/// <summary>safetensors: header length, JSON validity, dtype and shape against offsets, bounds and overlaps.</summary>
internal static class SafetensorsAnalyzer
{
    private const long MaxHeader = 100L << 20;

    private static readonly Dictionary<string, int> DtypeSizes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E4M3"] = 1, ["F8_E5M2"] = 1, ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4, ["I64"] = 8, ["U64"] = 8, ["F64"] = 8, ["C64"] = 8,
    };

    /// <summary>
    /// Whether <paramref name="head"/> (the first bytes of a <paramref name="length"/>-byte file)
    /// has safetensors' structure: a u64 little-endian header length of at least 2 that fits the
    /// file and the 100 MB limit, then a JSON object. When the whole header is in
    /// <paramref name="head"/> it must parse, and every tensor's <c>data_offsets</c> must be
    /// ordered and fit the data section; a longer header must at least begin as valid JSON.
    /// </summary>
    public static bool HasStructure(ReadOnlySpan<byte> head, long length)
    {
        if (head.Length < 10 || head[8] != (byte)'{')
        {
            return false;
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(head);
        if (headerLength < 2 || headerLength > MaxHeader || headerLength > (ulong)Math.Max(0, length - 8))
        {
            return false;
        }

        var visible = head[8..];
        if (headerLength > (ulong)visible.Length)
        {
            return BeginsAsJson(visible);
        }

        var header = visible[..(int)headerLength];
        if (!System.Text.Unicode.Utf8.IsValid(header))
        {
            return false;
        }

        var dataLength = length - 8 - (long)headerLength;
        try
        {
            var reader = new Utf8JsonReader(header, new JsonReaderOptions { MaxDepth = 16 });
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.EnumerateObject().All(t => t.Name == "__metadata__" || OffsetsFit(t.Value, dataLength));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool OffsetsFit(JsonElement tensor, long dataLength) =>
        tensor.ValueKind == JsonValueKind.Object
        && tensor.TryGetProperty("data_offsets", out var offsets) && offsets.ValueKind == JsonValueKind.Array && offsets.GetArrayLength() == 2
        && offsets[0].ValueKind == JsonValueKind.Number && offsets[1].ValueKind == JsonValueKind.Number
        && offsets[0].TryGetInt64(out var begin) && offsets[1].TryGetInt64(out var end)
        && begin >= 0 && begin <= end && end <= dataLength;

    // The header goes on past the bytes we have: read its tokens as far as they go.
    private static bool BeginsAsJson(ReadOnlySpan<byte> partial)
    {
        try
        {
            var reader = new Utf8JsonReader(partial, isFinalBlock: false, new JsonReaderState(new JsonReaderOptions { MaxDepth = 16 }));
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public static void Analyze(Stream stream, string location, ScanContext context)
    {
        Span<byte> prefix = stackalloc byte[8];
        if (stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
        {
            context.Add("safetensors.header", Severity.High, "file shorter than the 8-byte header length", location);
            return;
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        var available = stream.Length - 8;
        if (headerLength > (ulong)available || headerLength > MaxHeader)
        {
            context.Add("safetensors.header", Severity.High, $"header length {headerLength:N0} exceeds the file ({available:N0} bytes) or the 100 MB limit", location);
            return;
        }

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        if (!System.Text.Unicode.Utf8.IsValid(header))
        {
            context.Add("safetensors.header", Severity.High, "header is not valid UTF-8", location);
            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            context.Add("safetensors.header", Severity.High, $"header is not valid JSON: {ex.Message}", location);
            return;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                context.Add("safetensors.header", Severity.High, "header is not a JSON object", location);
                return;
            }

            var dataLength = available - (long)headerLength;
            var ranges = new List<(long Begin, long End, string Name)>();
            foreach (var tensor in document.RootElement.EnumerateObject())
            {
                if (tensor.Name == "__metadata__")
                {
                    if (tensor.Value.ValueKind != JsonValueKind.Object || tensor.Value.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
                    {
                        context.Add("safetensors.header", Severity.Medium, "__metadata__ is not a string-to-string map", location);
                    }

                    if (tensor.Value.ValueKind == JsonValueKind.Object)
                    {
                        ScanMetadata(tensor.Value, location, context);
                    }

                    continue;
                }

                if (CheckTensor(tensor, dataLength, location, context) is { } range)
                {
                    ranges.Add(range);
                }
            }

            ranges.Sort((a, b) => a.Begin.CompareTo(b.Begin));
            for (var i = 1; i < ranges.Count; i++)
            {
                if (ranges[i].Begin < ranges[i - 1].End)
                {
                    context.Add("safetensors.offsets", Severity.High, $"tensors '{ranges[i - 1].Name}' and '{ranges[i].Name}' overlap", location);
                }
            }
        }
    }

    private static (long, long, string)? CheckTensor(JsonProperty tensor, long dataLength, string location, ScanContext context)
    {
        var value = tensor.Value;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2
            || !offsets[0].TryGetInt64(out var begin) || !offsets[1].TryGetInt64(out var end))
        {
            context.Add("safetensors.header", Severity.High, $"tensor '{tensor.Name}' lacks a valid dtype, shape or data_offsets", location);
            return null;
        }

        if (begin < 0 || end < begin || end > dataLength)
        {
            context.Add("safetensors.offsets", Severity.High, $"tensor '{tensor.Name}' offsets [{begin}, {end}] fall outside the {dataLength:N0}-byte data section", location);
            return null;
        }

        if (!DtypeSizes.TryGetValue(dtype.GetString()!, out var size))
        {
            context.Add("safetensors.header", Severity.Medium, $"tensor '{tensor.Name}' has unknown dtype '{dtype.GetString()}'", location);
            return (begin, end, tensor.Name);
        }

        var elements = (Int128)1;
        foreach (var dim in shape.EnumerateArray())
        {
            if (!dim.TryGetInt64(out var d) || d < 0)
            {
                context.Add("safetensors.header", Severity.High, $"tensor '{tensor.Name}' has an invalid dimension", location);
                return null;
            }

            elements *= d;
            if (elements > long.MaxValue)
            {
                break;
            }
        }

        if (elements * size != end - begin)
        {
            context.Add("safetensors.offsets", Severity.Medium, $"tensor '{tensor.Name}' spans {end - begin:N0} bytes but its dtype and shape need {elements * size}", location);
        }

        return (begin, end, tensor.Name);
    }

    // Metadata values are free text: one may spell a pickle (scanned) or hold Python source (low).
    private static void ScanMetadata(JsonElement metadata, string location, ScanContext context)
    {
        foreach (var entry in metadata.EnumerateObject().Take(10_000))
        {
            if (entry.Value.ValueKind == JsonValueKind.String)
            {
                EmbeddedPayloads.ScanText(entry.Value.GetString()!, $"in __metadata__ '{entry.Name}'", $"{location}!__metadata__.{entry.Name}", context, lookForSource: true);
            }
        }
    }
}
