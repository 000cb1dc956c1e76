using Gauntlet.Scanner.Containers;
using Gauntlet.Scanner.Formats;
using Gauntlet.Scanner.Pickle;

namespace Gauntlet.Scanner;

/// <summary>Sends a stream to the analyser for its format, at top level and for every nested entry.</summary>
internal static class ArtifactDispatcher
{
    /// <summary>Analyses a seekable stream positioned at its start.</summary>
    public static ArtifactFormat Analyze(Stream stream, string name, string location, ScanContext context, int depth)
    {
        var head = new byte[(int)Math.Min(FormatDetector.HeadLength, stream.Length)];
        stream.Position = 0;
        stream.ReadExactly(head);
        stream.Position = 0;
        var format = FormatDetector.Detect(head, name, stream.Length);
        switch (format)
        {
            case ArtifactFormat.Zip:
                return ZipArchiveAnalyzer.Analyze(stream, location, context, depth);
            case ArtifactFormat.Pickle:
            case ArtifactFormat.Joblib:
                var summary = PickleAnalyzer.Analyze(stream, stream.Length, location, context);
                return summary.SawJoblibArrays ? ArtifactFormat.Joblib : format;
            case ArtifactFormat.PyTorchLegacy:
                PickleAnalyzer.Analyze(stream, stream.Length, location, context, PickleLayout.LegacyTorch);
                return format;
            case ArtifactFormat.NumPy:
                NpyAnalyzer.Analyze(stream, stream.Length, location, context);
                return format;
            case ArtifactFormat.Hdf5:
                Hdf5Analyzer.Analyze(stream, location, context);
                return format;
            case ArtifactFormat.Gguf:
                GgufAnalyzer.Analyze(stream, location, context);
                return format;
            case ArtifactFormat.Safetensors:
                SafetensorsAnalyzer.Analyze(stream, location, context);
                return format;
            case ArtifactFormat.Onnx:
                OnnxAnalyzer.Analyze(stream, location, context);
                return format;
            case ArtifactFormat.TensorFlow:
                SavedModelAnalyzer.Analyze(stream, location, context);
                return format;
            case ArtifactFormat.Tar:
                TarArchiveAnalyzer.Analyze(stream, location, context, depth);
                return format;
            case ArtifactFormat.Compressed:
                CompressedStreamAnalyzer.Analyze(stream, name, location, context, depth);
                return format;
            case ArtifactFormat.SevenZip:
                SevenZipArchiveAnalyzer.Analyze(stream, location, context, depth);
                return format;
            default:
                if (!ScanEncodedPayload(stream, head, location, context))
                {
                    context.Add("scan.not-analysed", Severity.Info, NotRecognised(head, name, stream.Length), location);
                }

                return ArtifactFormat.Unknown;
        }
    }

    /// <summary>
    /// Analyses a forward-only nested stream (an archive entry). Pickles and .npy files are
    /// streamed; formats that need random access are expanded in memory within the limits.
    /// </summary>
    public static void AnalyzeNested(Stream stream, long? declaredLength, string name, string location, ScanContext context, int depth)
    {
        if (depth > context.Options.MaxArchiveDepth)
        {
            context.Add("archive.depth", Severity.High, $"nested deeper than {context.Options.MaxArchiveDepth} archives; not expanded", location);
            return;
        }

        var head = new byte[FormatDetector.HeadLength];
        var headLength = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var format = FormatDetector.Detect(head.AsSpan(0, headLength), name, declaredLength ?? long.MaxValue);
        var whole = new PrefixedStream(head, headLength, stream);
        switch (format)
        {
            case ArtifactFormat.Pickle:
            case ArtifactFormat.Joblib:
                PickleAnalyzer.Analyze(whole, declaredLength, location, context);
                return;
            case ArtifactFormat.PyTorchLegacy:
                PickleAnalyzer.Analyze(whole, declaredLength, location, context, PickleLayout.LegacyTorch);
                return;
            case ArtifactFormat.NumPy:
                NpyAnalyzer.Analyze(whole, declaredLength, location, context);
                return;
            case ArtifactFormat.Unknown:
                if (!ScanEncodedPayload(whole, head.AsSpan(0, headLength), location, context))
                {
                    context.Add("scan.not-analysed", Severity.Info, NotRecognised(head.AsSpan(0, headLength), name, declaredLength ?? long.MaxValue), location);
                }

                return;
        }

        using var buffer = new MemoryStream();
        var limited = new LimitedStream(whole, context.Options.MaxInMemoryBytes);
        limited.CopyTo(buffer);
        if (limited.LimitReached)
        {
            context.Add("scan.not-analysed", Severity.Low, $"{format} entry is larger than {context.Options.MaxInMemoryBytes:N0} bytes, the in-memory limit; not analysed", location);
            return;
        }

        buffer.Position = 0;
        Analyze(buffer, name, location, context, depth);
    }

    /// <summary>
    /// A file or entry of text that is a pickle or zip spelled in hex or base64 (a "weights.b64"
    /// member): decoded and scanned as the payload. False when it is not one.
    /// </summary>
    private static bool ScanEncodedPayload(Stream stream, ReadOnlySpan<byte> head, string location, ScanContext context)
    {
        var text = head.TrimStart(" \t\r\n"u8);
        if (!(text.StartsWith("gA"u8) || text.StartsWith("UEsDB"u8) || text.StartsWith("80"u8) || text.StartsWith("504b"u8) || text.StartsWith("504B"u8)))
        {
            return false;
        }

        using var buffer = new MemoryStream();
        var limited = new LimitedStream(stream, EmbeddedPayloads.MaxBytes * 2L);
        limited.CopyTo(buffer);
        if (limited.LimitReached)
        {
            return false;
        }

        var decoded = EmbeddedPayloads.DecodeText(System.Text.Encoding.ASCII.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        return decoded is not null && EmbeddedPayloads.Scan(decoded, "hex- or base64-encoded in this file", location, context);
    }

    private static string NotRecognised(ReadOnlySpan<byte> head, string name, long length) =>
        FormatDetector.WhyNotPickle(head, name, length) is { } why
            ? $"not a pickle (starts like a protocol 0 pickle, but {why}); format not recognised, not analysed"
            : "format not recognised; not analysed";
}
