using System.Text.Json;

namespace Gauntlet.Scanner.Formats;

/// <summary>
/// Keras .h5 files. Rather than walk the HDF5 object tree, this locates the JSON text of the
/// model_config attribute, which h5py stores contiguously, and inspects it like a .keras config.
/// Files without such JSON are reported as not analysed (weights alone carry no code).
/// </summary>
internal static class Hdf5Analyzer
{
    private const int Chunk = 1 << 20;
    private const int MaxJson = 16 << 20;
    private static readonly byte[] Signature = "{\"class_name\""u8.ToArray();

    public static void Analyze(Stream stream, string location, ScanContext context)
    {
        var found = false;
        var coveredUntil = -1L;
        foreach (var offset in FindAll(stream))
        {
            if (offset < coveredUntil)
            {
                continue; // a layer inside a config already inspected
            }

            var length = (int)Math.Min(MaxJson, stream.Length - offset);
            var text = new byte[length];
            stream.Position = offset;
            stream.ReadExactly(text);
            try
            {
                if (!System.Text.Unicode.Utf8.IsValid(text.AsSpan(0, JsonPrefixLength(text))))
                {
                    continue;
                }

                var reader = new Utf8JsonReader(text, new JsonReaderOptions { MaxDepth = 256 });
                using var document = JsonDocument.ParseValue(ref reader);
                found = true;
                coveredUntil = offset + reader.BytesConsumed;
                KerasConfigInspector.Inspect(document.RootElement, location + "!model_config", context, 0);
            }
            catch (JsonException)
            {
                // A fragment that merely starts like a config; keep looking.
            }
        }

        if (!found)
        {
            context.Add("hdf5.not-analysed", Severity.Info, "HDF5 file without a Keras model_config the scanner could locate; HDF5 datasets hold no code and were not analysed further", location);
        }
    }

    /// <summary>Length of the leading brace-balanced span (string-aware), so only the JSON itself is checked for UTF-8.</summary>
    private static int JsonPrefixLength(byte[] text)
    {
        var depth = 0;
        var inString = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }
            }
            else if (c == '"')
            {
                inString = true;
            }
            else if (c == '{' || c == '[')
            {
                depth++;
            }
            else if ((c == '}' || c == ']') && --depth == 0)
            {
                return i + 1;
            }
        }

        return text.Length;
    }

    private static List<long> FindAll(Stream stream)
    {
        var hits = new List<long>();
        var buffer = new byte[Chunk + Signature.Length];
        long position = 0;
        var carried = 0;
        stream.Position = 0;
        while (hits.Count < 16)
        {
            var n = stream.ReadAtLeast(buffer.AsSpan(carried, Chunk), Chunk, throwOnEndOfStream: false);
            var span = buffer.AsSpan(0, carried + n);
            var start = 0;
            int index;
            while ((index = span[start..].IndexOf(Signature)) >= 0)
            {
                hits.Add(position - carried + start + index);
                start += index + 1;
            }

            if (n == 0)
            {
                break;
            }

            position += n;
            carried = Math.Min(Signature.Length - 1, span.Length);
            span[^carried..].CopyTo(buffer);
        }

        return hits;
    }
}
