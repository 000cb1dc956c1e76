using System.Buffers.Binary;
using System.Text;

namespace Gauntlet.Scanner.Formats;

/// <summary>GGUF: header counts, key/value strings and arrays, and tensor descriptions must fit the file.</summary>
internal static class GgufAnalyzer
{
    private const int MaxStringBytes = 16 << 20;
    private static readonly string[] TemplateRedFlags = ["__class__", "__globals__", "__subclasses__", "__builtins__", "__import__", "__mro__", "__init__", "os.popen", "subprocess", "eval(", "exec("];

    public static void Analyze(Stream stream, string location, ScanContext context)
    {
        var reader = new Reader(stream);
        try
        {
            Read(reader, location, context);
        }
        catch (EndOfStreamException)
        {
            context.Add("gguf.header", Severity.High, $"header runs past the end of the file at byte {stream.Position:N0}", location);
        }
    }

    private static void Read(Reader reader, string location, ScanContext context)
    {
        reader.Skip(4);
        var version = reader.UInt32();
        if (version is < 1 or > 3)
        {
            context.Add("gguf.header", Severity.High, $"unknown GGUF version {version}", location);
            return;
        }

        var tensorCount = version == 1 ? reader.UInt32() : reader.UInt64();
        var kvCount = version == 1 ? reader.UInt32() : reader.UInt64();
        var remaining = (ulong)reader.Remaining;
        if (tensorCount > remaining / 24 || kvCount > remaining / 12)
        {
            context.Add("gguf.header", Severity.High, $"header declares {tensorCount:N0} tensors and {kvCount:N0} key/value pairs, impossible in {remaining:N0} bytes", location);
            return;
        }

        for (ulong i = 0; i < kvCount; i++)
        {
            var key = reader.String(version, 1 << 16);
            var type = reader.UInt32();
            var text = ReadValue(reader, version, type, 0, location, context);
            if (key == "tokenizer.chat_template" && text is not null)
            {
                var flags = TemplateRedFlags.Where(f => text.Contains(f, StringComparison.Ordinal)).ToList();
                if (flags.Count > 0)
                {
                    context.Add("gguf.chat-template", Severity.High, $"chat template reaches for Python internals ({string.Join(", ", flags)}): a Jinja template-injection payload", location);
                }
            }
        }

        for (ulong i = 0; i < tensorCount; i++)
        {
            var name = reader.String(version, 1 << 16);
            var dims = reader.UInt32();
            if (dims > 8)
            {
                context.Add("gguf.header", Severity.High, $"tensor '{name}' declares {dims} dimensions", location);
                return;
            }

            for (var d = 0; d < dims; d++)
            {
                _ = version == 1 ? reader.UInt32() : reader.UInt64();
            }

            var ggmlType = reader.UInt32();
            var offset = reader.UInt64();
            if (ggmlType > 64 || offset > (ulong)reader.Length)
            {
                context.Add("gguf.header", Severity.High, $"tensor '{name}' has type {ggmlType} or offset {offset:N0} outside the file", location);
                return;
            }
        }
    }

    private static string? ReadValue(Reader reader, uint version, uint type, int depth, string location, ScanContext context)
    {
        switch (type)
        {
            case 0 or 1 or 7: reader.Skip(1); return null;
            case 2 or 3: reader.Skip(2); return null;
            case 4 or 5 or 6: reader.Skip(4); return null;
            case 10 or 11 or 12: reader.Skip(8); return null;
            case 8: return reader.String(version, MaxStringBytes);
            case 9:
                var elementType = reader.UInt32();
                var count = version == 1 ? reader.UInt32() : reader.UInt64();
                if (depth > 2 || count > (ulong)reader.Remaining)
                {
                    throw new EndOfStreamException();
                }

                for (ulong i = 0; i < count; i++)
                {
                    ReadValue(reader, version, elementType, depth + 1, location, context);
                }

                return null;
            default:
                context.Add("gguf.header", Severity.High, $"unknown value type {type}", location);
                throw new EndOfStreamException();
        }
    }

    private sealed class Reader(Stream stream)
    {
        private readonly byte[] scratch = new byte[8];

        public long Length => stream.Length;

        public long Remaining => stream.Length - stream.Position;

        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Read(4));

        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Read(8));

        public void Skip(long count)
        {
            if (count > Remaining)
            {
                throw new EndOfStreamException();
            }

            stream.Position += count;
        }

        public string String(uint version, int max)
        {
            var length = version == 1 ? UInt32() : UInt64();
            if (length > (ulong)Remaining)
            {
                throw new EndOfStreamException();
            }

            if (length > (ulong)max)
            {
                Skip((long)length);
                return string.Empty;
            }

            var bytes = new byte[length];
            stream.ReadExactly(bytes);
            return Encoding.UTF8.GetString(bytes);
        }

        private ReadOnlySpan<byte> Read(int n)
        {
            stream.ReadExactly(scratch.AsSpan(0, n));
            return scratch.AsSpan(0, n);
        }
    }
}
