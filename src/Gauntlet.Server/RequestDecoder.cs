using System.Buffers.Binary;
using System.Text.Json;
using Gauntlet.Data;

namespace Gauntlet.Server;

/// <summary>
/// Turns a prediction request's body into samples, checking shape, type and values: JSON
/// (<c>{"instances": [...], "version": "..."}</c>, each instance nested to the sample shape or flat),
/// raw float32 little-endian (<c>application/octet-stream</c>), or NumPy (<c>application/x-npy</c>).
/// Every mistake is an <see cref="ApiError"/> with a 4xx status.
/// </summary>
public static class RequestDecoder
{
    /// <summary>Decodes <paramref name="body"/> sent with <paramref name="contentType"/>.</summary>
    /// <returns>The samples, and the model version the JSON body asked for (or null).</returns>
    /// <exception cref="ApiError">The body is not a valid batch for <paramref name="model"/>.</exception>
    public static (float[][] Samples, string? Version) Decode(byte[] body, string? contentType, ServedModel model, int maxInstances)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(model);
        var type = (contentType ?? string.Empty).Split(';')[0].Trim().ToLowerInvariant();
        var (samples, version) = type switch
        {
            "application/json" => FromJson(body, model),
            "application/octet-stream" => (FromRaw(body, model), null),
            "application/x-npy" or "application/npy" => (FromNpy(body, model), null),
            _ => throw new ApiError(415, $"unsupported content type '{type}': send application/json, application/octet-stream (raw float32) or application/x-npy."),
        };
        if (samples.Length == 0)
        {
            throw new ApiError("the request holds no samples.");
        }

        if (samples.Length > maxInstances)
        {
            throw new ApiError(413, $"the request holds {samples.Length} samples; at most {maxInstances} are accepted per request.");
        }

        var range = model.Classifier.InputRange;
        for (var s = 0; s < samples.Length; s++)
        {
            foreach (var v in samples[s])
            {
                if (!float.IsFinite(v))
                {
                    throw new ApiError($"sample {s} holds a NaN or infinite value.");
                }

                if (v < range.Min || v > range.Max)
                {
                    throw new ApiError($"sample {s} holds {v}, outside the model's input range [{range.Min}, {range.Max}].");
                }
            }
        }

        return (samples, version);
    }

    private static string ShapeText(ServedModel model) => "[" + string.Join(", ", model.SampleShape) + "]";

    private static (float[][], string?) FromJson(byte[] body, ServedModel model)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new ApiError($"the body is not valid JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("instances", out var instances) || instances.ValueKind != JsonValueKind.Array)
            {
                throw new ApiError("expected a JSON object with an \"instances\" array (one entry per sample).");
            }

            string? version = null;
            if (root.TryGetProperty("version", out var v))
            {
                version = v.ValueKind switch
                {
                    JsonValueKind.String => v.GetString(),
                    JsonValueKind.Number => v.GetRawText(),
                    _ => throw new ApiError("\"version\" must be a string or a number."),
                };
            }

            var samples = new List<float[]>();
            var index = 0;
            foreach (var instance in instances.EnumerateArray())
            {
                var values = new List<float>(model.SampleSize);
                Flatten(instance, values, index, model);
                if (values.Count != model.SampleSize)
                {
                    throw new ApiError($"instance {index} has {values.Count} values; the model takes samples of shape {ShapeText(model)} ({model.SampleSize} values).");
                }

                samples.Add([.. values]);
                index++;
            }

            return ([.. samples], version);
        }
    }

    private static void Flatten(JsonElement element, List<float> values, int index, ServedModel model)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, values, index, model);
                    if (values.Count > model.SampleSize)
                    {
                        throw new ApiError($"instance {index} has more than {model.SampleSize} values; the model takes samples of shape {ShapeText(model)}.");
                    }
                }

                break;
            case JsonValueKind.Number:
                if (!element.TryGetDouble(out var d))
                {
                    throw new ApiError($"instance {index} holds a number that is not a float.");
                }

                values.Add((float)d);
                break;
            case JsonValueKind.String when element.GetString() is "NaN" or "Infinity" or "-Infinity":
                values.Add(float.NaN);
                break;
            default:
                throw new ApiError($"instance {index} holds a {element.ValueKind.ToString().ToLowerInvariant()}; samples are arrays of numbers (float32).");
        }
    }

    private static float[][] FromRaw(byte[] body, ServedModel model)
    {
        var bytesPerSample = model.SampleSize * 4;
        if (body.Length == 0 || body.Length % bytesPerSample != 0)
        {
            throw new ApiError($"the raw body has {body.Length} bytes; it must be a whole number of float32 samples of shape {ShapeText(model)} ({bytesPerSample} bytes each).");
        }

        return Split(body.AsSpan(), body.Length / bytesPerSample, model.SampleSize);
    }

    private static float[][] Split(ReadOnlySpan<byte> bytes, int count, int size)
    {
        var samples = new float[count][];
        for (var s = 0; s < count; s++)
        {
            var sample = new float[size];
            for (var i = 0; i < size; i++)
            {
                sample[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(((s * size) + i) * 4, 4));
            }

            samples[s] = sample;
        }

        return samples;
    }

    private static float[][] FromNpy(byte[] body, ServedModel model)
    {
        NpyArray array;
        try
        {
            using var stream = new MemoryStream(body, writable: false);
            array = NpyArray.Read(stream, "request body");
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or NotSupportedException or OverflowException)
        {
            throw new ApiError($"the body is not a readable .npy array: {e.Message}");
        }

        if (array.IsInteger)
        {
            throw new ApiError(415, $"the .npy array has dtype {array.Descr}; send float32 (or float64) samples.");
        }

        var sample = model.SampleShape;
        var shape = array.Shape.ToArray();
        var count = shape.SequenceEqual(sample) ? 1
            : shape.Length == sample.Length + 1 && shape.Skip(1).SequenceEqual(sample) ? shape[0]
            : throw new ApiError($"the .npy array has shape [{string.Join(", ", shape)}]; expected [N, {string.Join(", ", sample)}] or [{string.Join(", ", sample)}].");
        var values = array.ToSingleArray();
        var samples = new float[count][];
        for (var s = 0; s < count; s++)
        {
            samples[s] = values.AsSpan(s * model.SampleSize, model.SampleSize).ToArray();
        }

        return samples;
    }
}
