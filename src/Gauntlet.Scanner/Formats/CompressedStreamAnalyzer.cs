using System.IO.Compression;
using Gauntlet.Scanner.Containers;

namespace Gauntlet.Scanner.Formats;

/// <summary>gzip and zlib streams (.tar.gz, .pkl.gz, compressed joblib): decompressed with a cap, then analysed.</summary>
internal static class CompressedStreamAnalyzer
{
    public static void Analyze(Stream stream, string name, string location, ScanContext context, int depth)
    {
        var first = stream.ReadByte();
        stream.Position = 0;
        using var decompressed = first == 0x1f ? (Stream)new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true) : new ZLibStream(stream, CompressionMode.Decompress, leaveOpen: true);
        var budget = Math.Min(context.Options.MaxEntryBytes, Math.Max(0, context.Options.MaxTotalDecompressedBytes - context.DecompressedBytes));
        var limited = new LimitedStream(decompressed, budget);
        var inner = name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? name[..^3] : name.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase) ? name[..^4] + ".tar" : name;
        var head = new byte[512];
        var headLength = limited.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var whole = new PrefixedStream(head, headLength, limited);
        if (headLength >= 262 && head.AsSpan(257, 5).SequenceEqual("ustar"u8))
        {
            TarArchiveAnalyzer.Analyze(whole, location, context, depth);
        }
        else
        {
            ArtifactDispatcher.AnalyzeNested(whole, null, inner, location + "!" + Path.GetFileName(inner), context, depth + 1);
        }

        context.TryCharge(limited.Produced);
        if (limited.LimitReached)
        {
            context.Add("archive.bomb", Severity.High, $"compressed stream expands beyond {budget:N0} bytes; the rest was not analysed", location);
        }
    }
}
