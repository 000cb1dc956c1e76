using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Gauntlet.Scanner.Containers;

/// <summary>
/// Reads a zip the way PyTorch's loader does: from the central directory, ignoring flag bits
/// (including "encrypted", which the zip analyser judges per entry) and CRC values, taking data offsets from local headers. Every
/// anomaly that would make another tool read the file differently is reported, because that
/// difference is how scanners get bypassed. Only DeflateStream is used, for entry data.
/// </summary>
internal sealed class TolerantZipReader
{
    private const uint EndOfCentralDirectory = 0x06054b50;
    private const uint Zip64Locator = 0x07064b50;
    private const uint Zip64EndOfCentralDirectory = 0x06064b50;
    private const uint CentralHeader = 0x02014b50;
    private const uint LocalHeader = 0x04034b50;

    private readonly Stream stream;
    private readonly ScanContext context;
    private readonly string location;

    private TolerantZipReader(Stream stream, ScanContext context, string location)
    {
        this.stream = stream;
        this.context = context;
        this.location = location;
    }

    public IReadOnlyList<ZipEntryInfo> Entries { get; private set; } = [];

    /// <summary>True when <paramref name="head"/> starts with a local header or an empty archive's end record.</summary>
    public static bool LooksLikeZip(ReadOnlySpan<byte> head) =>
        head.Length >= 4 && head[0] == 'P' && head[1] == 'K' && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6));

    /// <summary>Reads the directory of the zip in <paramref name="stream"/> (seekable); throws InvalidDataException when there is none.</summary>
    public static TolerantZipReader Open(Stream stream, ScanContext context, string location)
    {
        var reader = new TolerantZipReader(stream, context, location);
        reader.ReadDirectory();
        return reader;
    }

    /// <summary>Opens an entry's uncompressed data, capped at <paramref name="limit"/> bytes; null for unsupported methods.</summary>
    public Stream? OpenEntry(ZipEntryInfo entry, long limit)
    {
        var available = Math.Max(0, Math.Min(entry.CompressedSize, stream.Length - entry.DataOffset));
        var raw = new SubStream(stream, entry.DataOffset, available);
        return entry.Method switch
        {
            0 => new LimitedStream(raw, Math.Min(limit, available)),
            8 => new LimitedStream(new DeflateStream(raw, CompressionMode.Decompress), limit),
            _ => null,
        };
    }

    private void ReadDirectory()
    {
        var length = stream.Length;
        if (length < 22)
        {
            throw new InvalidDataException("too short for a zip end-of-central-directory record");
        }

        var tailLength = (int)Math.Min(length, 22 + 65535 + 20);
        var tail = new byte[tailLength];
        stream.Position = length - tailLength;
        stream.ReadExactly(tail);
        var eocd = -1;
        for (var i = tailLength - 22; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) == EndOfCentralDirectory)
            {
                eocd = i;
                break;
            }
        }

        if (eocd < 0)
        {
            throw new InvalidDataException("no zip end-of-central-directory record");
        }

        var eocdPosition = length - tailLength + eocd;
        long entryCount = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(eocd + 10));
        long directorySize = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(eocd + 12));
        long directoryOffset = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(eocd + 16));
        if (eocd >= 20 && BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(eocd - 20)) == Zip64Locator)
        {
            var zip64Offset = BinaryPrimitives.ReadInt64LittleEndian(tail.AsSpan(eocd - 20 + 8));
            if (zip64Offset >= 0 && zip64Offset + 56 <= length)
            {
                var record = new byte[56];
                stream.Position = zip64Offset;
                stream.ReadExactly(record);
                if (BinaryPrimitives.ReadUInt32LittleEndian(record) == Zip64EndOfCentralDirectory)
                {
                    entryCount = BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(32));
                    directorySize = BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(40));
                    directoryOffset = BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(48));
                    eocdPosition = zip64Offset;
                }
            }
        }

        // Data prepended to the archive shifts every offset; find the directory where it really is.
        var shift = 0L;
        if (!SignatureAt(directoryOffset, CentralHeader) && directorySize > 0)
        {
            var actual = eocdPosition - directorySize;
            if (actual >= 0 && SignatureAt(actual, CentralHeader))
            {
                shift = actual - directoryOffset;
                context.Add("zip.anomaly", Severity.Medium, $"central directory is {shift:N0} bytes away from where the end record says (data prepended to the archive)", location);
                directoryOffset = actual;
            }
        }

        if (directorySize < 0 || directoryOffset < 0 || directoryOffset + directorySize > length)
        {
            throw new InvalidDataException("zip central directory lies outside the file");
        }

        if (entryCount < 0 || entryCount > directorySize / 46 + 1)
        {
            context.Add("zip.anomaly", Severity.Medium, $"end record claims {entryCount:N0} entries, more than the directory can hold", location);
        }

        var directory = new byte[directorySize];
        stream.Position = directoryOffset;
        stream.ReadExactly(directory);
        Entries = ParseEntries(directory, shift);
        CheckOverlaps();
    }

    private List<ZipEntryInfo> ParseEntries(byte[] directory, long shift)
    {
        var entries = new List<ZipEntryInfo>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var position = 0;
        while (position + 46 <= directory.Length && BinaryPrimitives.ReadUInt32LittleEndian(directory.AsSpan(position)) == CentralHeader)
        {
            if (entries.Count >= context.Options.MaxArchiveEntries)
            {
                context.Add("archive.bomb", Severity.High, $"more than {context.Options.MaxArchiveEntries:N0} entries; the rest were not examined", location);
                break;
            }

            var span = directory.AsSpan(position);
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(span[8..]);
            var method = BinaryPrimitives.ReadUInt16LittleEndian(span[10..]);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(span[16..]);
            long compressed = BinaryPrimitives.ReadUInt32LittleEndian(span[20..]);
            long uncompressed = BinaryPrimitives.ReadUInt32LittleEndian(span[24..]);
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(span[28..]);
            var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(span[30..]);
            var commentLength = BinaryPrimitives.ReadUInt16LittleEndian(span[32..]);
            long localOffset = BinaryPrimitives.ReadUInt32LittleEndian(span[42..]);
            if (position + 46 + nameLength + extraLength + commentLength > directory.Length)
            {
                context.Add("zip.anomaly", Severity.Medium, "central directory entry runs past the directory", location);
                break;
            }

            var name = Encoding.UTF8.GetString(span.Slice(46, nameLength));
            ApplyZip64(span.Slice(46 + nameLength, extraLength), ref uncompressed, ref compressed, ref localOffset);
            localOffset += shift;
            position += 46 + nameLength + extraLength + commentLength;

            if (!names.Add(name))
            {
                context.Add("zip.anomaly", Severity.Medium, $"duplicate entry name '{name}': tools disagree about which copy they read", location);
            }

            if (ReadLocalHeader(name, localOffset, out var dataOffset))
            {
                entries.Add(new ZipEntryInfo(name, flags, method, crc, compressed, uncompressed, localOffset, dataOffset));
            }
        }

        return entries;
    }

    private bool ReadLocalHeader(string name, long offset, out long dataOffset)
    {
        dataOffset = 0;
        if (offset < 0 || offset + 30 > stream.Length)
        {
            context.Add("zip.anomaly", Severity.Medium, $"entry '{name}' points outside the file", location);
            return false;
        }

        Span<byte> header = stackalloc byte[30];
        stream.Position = offset;
        stream.ReadExactly(header);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != LocalHeader)
        {
            context.Add("zip.anomaly", Severity.Medium, $"entry '{name}' has no local header at its offset", location);
            return false;
        }

        var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header[26..]);
        var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header[28..]);
        if (offset + 30 + nameLength <= stream.Length)
        {
            var localName = new byte[nameLength];
            stream.ReadExactly(localName);
            if (Encoding.UTF8.GetString(localName) != name)
            {
                context.Add("zip.anomaly", Severity.Medium, $"local header names '{Encoding.UTF8.GetString(localName)}' but the central directory names '{name}'", location);
            }
        }

        dataOffset = offset + 30 + nameLength + extraLength;
        return true;
    }

    private static void ApplyZip64(ReadOnlySpan<byte> extra, ref long uncompressed, ref long compressed, ref long localOffset)
    {
        while (extra.Length >= 4)
        {
            var id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            var size = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            if (size > extra.Length - 4)
            {
                return;
            }

            if (id == 1)
            {
                var field = extra.Slice(4, size);
                if (uncompressed == uint.MaxValue && field.Length >= 8)
                {
                    uncompressed = BinaryPrimitives.ReadInt64LittleEndian(field);
                    field = field[8..];
                }

                if (compressed == uint.MaxValue && field.Length >= 8)
                {
                    compressed = BinaryPrimitives.ReadInt64LittleEndian(field);
                    field = field[8..];
                }

                if (localOffset == uint.MaxValue && field.Length >= 8)
                {
                    localOffset = BinaryPrimitives.ReadInt64LittleEndian(field);
                }

                return;
            }

            extra = extra[(4 + size)..];
        }
    }

    private void CheckOverlaps()
    {
        var sorted = Entries.Where(e => e.CompressedSize > 0).OrderBy(e => e.DataOffset).ToList();
        for (var i = 1; i < sorted.Count; i++)
        {
            var previous = sorted[i - 1];
            if (sorted[i].LocalHeaderOffset < previous.DataOffset + previous.CompressedSize)
            {
                context.Add("zip.overlapping-entries", Severity.High, $"entries '{previous.Name}' and '{sorted[i].Name}' share bytes (non-recursive zip bomb construction)", location);
                return;
            }
        }
    }

    private bool SignatureAt(long offset, uint signature)
    {
        if (offset < 0 || offset + 4 > stream.Length)
        {
            return false;
        }

        Span<byte> b = stackalloc byte[4];
        stream.Position = offset;
        stream.ReadExactly(b);
        return BinaryPrimitives.ReadUInt32LittleEndian(b) == signature;
    }
}
