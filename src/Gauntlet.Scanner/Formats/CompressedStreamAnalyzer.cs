using System.IO.Compression;
using Gauntlet.Scanner.Containers;
using K4os.Compression.LZ4.Streams;
using SharpCompress.Compressors.Xz;
using ZstdSharp;

namespace Gauntlet.Scanner.Formats;

/// <summary>
/// Single compressed streams (.tar.gz, .pkl.gz, .tar.xz, .lz4, .zst, compressed joblib):
/// decompressed with a cap, then analysed. gzip and zlib use the BCL; xz, lz4 frames and zstd use
/// maintained readers (SharpCompress, K4os.Compression.LZ4, ZstdSharp). Data that does not
/// decompress is listed as not analysed, never passed silently.
/// </summary>
internal static class CompressedStreamAnalyzer
{
    /// <summary>A compression format recognised by its magic.</summary>
    internal enum Codec
    {
        /// <summary>gzip (1f 8b).</summary>
        Gzip,

        /// <summary>zlib (78 xx), only trusted for pickle-like names.</summary>
        Zlib,

        /// <summary>xz (fd 37 7a 58 5a 00).</summary>
        Xz,

        /// <summary>LZ4 frame format (04 22 4d 18).</summary>
        Lz4,

        /// <summary>Zstandard frame (28 b5 2f fd).</summary>
        Zstd,
    }

    private const long LargeStreamBytes = 16L << 20;

    private static readonly (string Suffix, string Replacement)[] Suffixes =
    [
        (".tgz", ".tar"), (".txz", ".tar"), (".tzst", ".tar"), (".gz", string.Empty), (".xz", string.Empty), (".lz4", string.Empty),
        (".zst", string.Empty), (".zstd", string.Empty), (".z", string.Empty),
    ];

    /// <summary>The codec whose magic <paramref name="head"/> starts with; zlib is never claimed here (two bytes are too weak a magic).</summary>
    public static Codec? CodecOf(ReadOnlySpan<byte> head) =>
        head.StartsWith((ReadOnlySpan<byte>)[0x1f, 0x8b]) ? Codec.Gzip
        : head.StartsWith((ReadOnlySpan<byte>)[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) ? Codec.Xz
        : head.StartsWith((ReadOnlySpan<byte>)[0x04, 0x22, 0x4d, 0x18]) ? Codec.Lz4
        : head.StartsWith((ReadOnlySpan<byte>)[0x28, 0xb5, 0x2f, 0xfd]) ? Codec.Zstd
        : null;

    public static void Analyze(Stream stream, string name, string location, ScanContext context, int depth)
    {
        Span<byte> magic = stackalloc byte[6];
        var magicLength = stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        var codec = CodecOf(magic[..magicLength]) ?? Codec.Zlib;
        var budget = Math.Min(context.Options.MaxEntryBytes, Math.Max(0, context.Options.MaxTotalDecompressedBytes - context.DecompressedBytes));
        LimitedStream? limited = null;
        try
        {
            using var decompressed = Open(codec, stream);
            limited = new LimitedStream(decompressed, budget);
            var inner = InnerName(name);
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

            Drain(limited, stream.Length, location, context);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not StackOverflowException and not InsufficientExecutionStackException)
        {
            // The third-party decoders throw their own exception types on corrupt data (and
            // sometimes ArgumentException or IndexOutOfRangeException); whatever they throw, the
            // stream is reported as not analysed rather than crashing the scan or passing silently.
            context.Add("scan.not-analysed", Severity.Medium, $"{codec} stream could not be decompressed ({ex.GetType().Name}: {ex.Message}); the rest was not analysed", location);
        }

        if (limited is not null)
        {
            context.TryCharge(limited.Produced);
            if (limited.LimitReached)
            {
                context.Add("archive.bomb", Severity.High, $"compressed stream expands beyond {budget:N0} bytes; the rest was not analysed", location);
            }
        }
    }

    /// <summary>
    /// Reads what the analysis left (an unrecognised payload is only sniffed) so that a bomb is
    /// measured whatever it holds: up to the limit, or until it passes 16 MiB at a ratio above
    /// the configured one, as for zip entries.
    /// </summary>
    private static void Drain(LimitedStream limited, long compressedLength, string location, ScanContext context)
    {
        var buffer = new byte[64 * 1024];
        while (limited.Read(buffer) > 0)
        {
            if (limited.Produced > LargeStreamBytes && limited.Produced > context.Options.MaxCompressionRatio * Math.Max(1, compressedLength))
            {
                context.Add("archive.bomb", Severity.High, $"compressed stream of {compressedLength:N0} bytes expands past {limited.Produced:N0} (ratio above {context.Options.MaxCompressionRatio:F0}); not expanded further", location);
                return;
            }
        }
    }

    private static Stream Open(Codec codec, Stream stream) => codec switch
    {
        Codec.Gzip => new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true),
        Codec.Xz => new XZStream(new SubStream(stream, 0, stream.Length)), // XZStream closes what it reads; the file stays open for hashing
        Codec.Lz4 => LZ4Stream.Decode(stream, leaveOpen: true),
        Codec.Zstd => new DecompressionStream(stream, leaveOpen: true),
        _ => new ZLibStream(stream, CompressionMode.Decompress, leaveOpen: true),
    };

    private static string InnerName(string name)
    {
        foreach (var (suffix, replacement) in Suffixes)
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return name[..^suffix.Length] + replacement;
            }
        }

        return name;
    }
}
