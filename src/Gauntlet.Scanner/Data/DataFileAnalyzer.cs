using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Gauntlet.Core.Numpy;
using nietras.SeparatedValues;

namespace Gauntlet.Scanner.Data;

/// <summary>
/// Reads data files for personal data: CSV/TSV (Sep), JSON and JSON Lines (System.Text.Json),
/// Parquet (Parquet.Net), the string arrays and array names of NPZ/NPY files, and IDX headers.
/// Every reader feeds an <see cref="InventoryBuilder"/>; broken input becomes a finding, never an exception.
/// </summary>
internal static class DataFileAnalyzer
{
    /// <summary>The data file kinds, by extension (lower case, with the dot).</summary>
    public static DataKind KindOf(string name)
    {
        var lower = name.ToLowerInvariant();
        if (lower.EndsWith(".csv", StringComparison.Ordinal))
        {
            return DataKind.Csv;
        }

        if (lower.EndsWith(".tsv", StringComparison.Ordinal))
        {
            return DataKind.Tsv;
        }

        if (lower.EndsWith(".jsonl", StringComparison.Ordinal) || lower.EndsWith(".ndjson", StringComparison.Ordinal))
        {
            return DataKind.JsonLines;
        }

        if (lower.EndsWith(".json", StringComparison.Ordinal))
        {
            return DataKind.Json;
        }

        if (lower.EndsWith(".parquet", StringComparison.Ordinal))
        {
            return DataKind.Parquet;
        }

        if (lower.EndsWith(".npz", StringComparison.Ordinal))
        {
            return DataKind.Npz;
        }

        if (lower.EndsWith(".npy", StringComparison.Ordinal))
        {
            return DataKind.Npy;
        }

        return lower.EndsWith("-ubyte", StringComparison.Ordinal) || lower.EndsWith(".idx", StringComparison.Ordinal) || lower.Contains("-idx", StringComparison.Ordinal) && !lower.EndsWith(".gz", StringComparison.Ordinal)
            ? DataKind.Idx
            : DataKind.None;
    }

    /// <summary>
    /// Analyses a tabular or JSON data file (the PII pass). Returns the format, or null when
    /// <paramref name="name"/> is not such a file. Keras and other model configs named .json are
    /// still read as data; their strings hold no personal data in practice and findings would be real.
    /// </summary>
    public static ArtifactFormat? AnalyzeTabular(Stream stream, string name, string location, ScanContext context)
    {
        var kind = KindOf(name);
        var builder = new InventoryBuilder();
        switch (kind)
        {
            case DataKind.Csv or DataKind.Tsv:
                ReadCsv(stream, kind == DataKind.Tsv ? '\t' : null, builder, location, context);
                builder.Report(context, location);
                return ArtifactFormat.Csv;
            case DataKind.Json or DataKind.JsonLines:
                ReadJson(stream, kind == DataKind.JsonLines, builder, location, context);
                builder.Report(context, location);
                return ArtifactFormat.Json;
            case DataKind.Parquet:
                ReadParquet(stream, builder, location, context);
                builder.Report(context, location);
                return ArtifactFormat.Parquet;
            case DataKind.Idx:
                DescribeIdx(stream, location, context);
                return ArtifactFormat.Idx;
            default:
                return null;
        }
    }

    /// <summary>After the model analysis of an .npz or .npy file: the array names and string arrays, read for personal data.</summary>
    public static void AnalyzeArrays(Stream stream, string name, string location, ScanContext context)
    {
        var kind = KindOf(name);
        if (kind is not (DataKind.Npz or DataKind.Npy))
        {
            return;
        }

        var builder = new InventoryBuilder();
        try
        {
            stream.Position = 0;
            if (kind == DataKind.Npy)
            {
                ReadNpyStrings(stream, Path.GetFileNameWithoutExtension(name), builder, context);
            }
            else
            {
                using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
                foreach (var entry in zip.Entries.Take(10_000))
                {
                    if (!entry.FullName.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    using var entryStream = entry.Open();
                    using var buffer = new MemoryStream();
                    var limited = new Containers.LimitedStream(entryStream, context.Options.MaxInMemoryBytes);
                    limited.CopyTo(buffer);
                    buffer.Position = 0;
                    ReadNpyStrings(buffer, entry.FullName[..^4], builder, context);
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or NpyFormatException or IOException or FormatException)
        {
            context.Add("data.malformed", Severity.Low, $"array metadata not read for personal data: {ex.Message}", location);
        }

        builder.Sampling = "string arrays read up to 1,000,000 elements each";
        builder.Report(context, location);
    }

    private static void ReadNpyStrings(Stream stream, string arrayName, InventoryBuilder builder, ScanContext context)
    {
        var column = builder.ColumnOf(arrayName);
        var header = NpyHeader.Read(stream);
        var descr = header.Descr;
        if (header.IsStructured || descr.Length < 3 || descr[1] is not ('U' or 'S') || !int.TryParse(descr.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var width) || width <= 0)
        {
            return;
        }

        var unicode = descr[1] == 'U';
        var bytesPer = unicode ? width * 4 : width;
        var count = Math.Min(header.ElementCount(), 1_000_000);
        stream.Position = header.DataOffset;
        var element = new byte[bytesPer];
        var chars = new char[width * 2];
        for (long i = 0; i < count; i++)
        {
            if (stream.ReadAtLeast(element, bytesPer, throwOnEndOfStream: false) < bytesPer)
            {
                throw new EndOfStreamException($"array '{arrayName}' is truncated after {i} of {header.ElementCount()} elements");
            }

            int length;
            if (unicode)
            {
                var text = Encoding.UTF32.GetString(element);
                length = text.IndexOf('\0') is var z && z >= 0 ? z : text.Length;
                text.AsSpan(0, length).CopyTo(chars);
            }
            else
            {
                length = element.AsSpan().IndexOf((byte)0) is var z && z >= 0 ? z : element.Length;
                length = Encoding.Latin1.GetChars(element.AsSpan(0, length), chars);
            }

            builder.Row();
            builder.Observe(column, chars.AsSpan(0, length), null);
        }
    }

    private static void ReadCsv(Stream stream, char? separator, InventoryBuilder builder, string location, ScanContext context)
    {
        var length = stream.Length;
        var sampling = context.Options.Sampling && length > context.Options.SampleBytes;
        var headBytes = sampling ? context.Options.SampleBytes / 2 : long.MaxValue;
        var checking = new Utf8CheckingStream(stream);
        string[] names;
        using (var reader = OpenCsv(checking, separator, hasHeader: true))
        {
            names = [.. reader.Header.ColNames];
            separator ??= reader.Spec.Sep.Separator;
            var columns = names.Select(builder.ColumnOf).ToArray();
            foreach (var row in reader)
            {
                builder.Row();
                var line = (int)Math.Min(int.MaxValue, row.LineNumberFrom);
                var n = Math.Min(row.ColCount, columns.Length);
                for (var i = 0; i < n; i++)
                {
                    builder.Observe(columns[i], row[i].Span, line);
                }

                if (checking.BytesRead >= headBytes)
                {
                    break;
                }
            }
        }

        InvalidUtf8(checking, location, context);
        if (!sampling)
        {
            builder.Sampling = "whole file read";
            return;
        }

        // The rest: fixed-size blocks at seeded random offsets, each parsed from its first full line.
        var headEnd = checking.BytesRead;
        const int Blocks = 32;
        var blockBytes = (int)Math.Max(64 << 10, context.Options.SampleBytes / 2 / Blocks);
        var random = new Random(context.Options.SamplingSeed);
        var span = length - headEnd - blockBytes;
        var read = 0;
        if (span > 0)
        {
            var offsets = Enumerable.Range(0, Blocks).Select(_ => headEnd + (long)(random.NextDouble() * span)).Order().ToArray();
            var block = new byte[blockBytes];
            var cols = names.Select(builder.ColumnOf).ToArray();
            foreach (var offset in offsets)
            {
                stream.Position = offset;
                var got = stream.ReadAtLeast(block, blockBytes, throwOnEndOfStream: false);
                var start = block.AsSpan(0, got).IndexOf((byte)'\n') + 1;
                var end = block.AsSpan(0, got).LastIndexOf((byte)'\n');
                if (start <= 0 || end <= start)
                {
                    continue;
                }

                read++;
                using var part = OpenCsv(new MemoryStream(block, start, end - start, writable: false), separator, hasHeader: false);
                foreach (var row in part)
                {
                    builder.Row();
                    var n = Math.Min(row.ColCount, cols.Length);
                    for (var i = 0; i < n; i++)
                    {
                        builder.Observe(cols[i], row[i].Span, null);
                    }
                }
            }
        }

        builder.Sampling = string.Create(CultureInfo.InvariantCulture,
            $"sampled: the first {headEnd / 1048576.0:F0} MiB and {read} blocks of {blockBytes / 1024} KiB at random offsets (seed {context.Options.SamplingSeed}) of {length / 1048576.0:F0} MiB; --no-sampling reads everything");
        context.Add("data.sampled", Severity.Info, builder.Sampling, location);
    }

    private static SepReader OpenCsv(Stream stream, char? separator, bool hasHeader)
    {
        var options = new SepReaderOptions(separator is { } s ? new nietras.SeparatedValues.Sep(s) : null)
        {
            HasHeader = hasHeader,
            Unescape = true,
            DisableColCountCheck = true,
            CultureInfo = CultureInfo.InvariantCulture,
        };
        return options.From(stream);
    }

    private static void InvalidUtf8(Utf8CheckingStream checking, string location, ScanContext context)
    {
        if (checking.InvalidSequences > 0)
        {
            context.Add("data.invalid-utf8", Severity.Low,
                $"{checking.InvalidSequences:N0} invalid UTF-8 sequence(s), the first at byte {checking.FirstInvalidOffset:N0}; read with replacement characters, so values around them may be missed",
                location, checking.FirstInvalidOffset);
        }
    }

    private static void ReadJson(Stream stream, bool lines, InventoryBuilder builder, string location, ScanContext context)
    {
        var limit = context.Options.Sampling ? Math.Min(context.Options.SampleBytes, context.Options.MaxInMemoryBytes) : context.Options.MaxInMemoryBytes;
        if (!lines && stream.Length > context.Options.MaxInMemoryBytes)
        {
            context.Add("scan.not-analysed", Severity.Low, $"JSON document of {stream.Length:N0} bytes is over the {context.Options.MaxInMemoryBytes:N0}-byte in-memory limit; not read for personal data (use JSON Lines for large data)", location);
            return;
        }

        var checking = new Utf8CheckingStream(stream);
        using var buffer = new MemoryStream();
        var limited = new Containers.LimitedStream(checking, lines ? limit : context.Options.MaxInMemoryBytes);
        limited.CopyTo(buffer);
        InvalidUtf8(checking, location, context);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (lines)
        {
            if (limited.LimitReached)
            {
                var cut = bytes.LastIndexOf((byte)'\n');
                bytes = bytes[..Math.Max(0, cut)];
                builder.Sampling = $"sampled: the first {bytes.Length / 1048576.0:F0} MiB of {stream.Length / 1048576.0:F0} MiB; --no-sampling reads up to the in-memory limit";
                context.Add("data.sampled", Severity.Info, builder.Sampling, location);
            }

            var lineNumber = 0;
            var broken = 0;
            var firstBroken = 0;
            foreach (var range in bytes.Split((byte)'\n'))
            {
                lineNumber++;
                var line = bytes[range];
                if (line.Trim(" \t\r"u8).IsEmpty)
                {
                    continue;
                }

                builder.Row();
                if (!WalkJson(line, builder, lineNumber, out _))
                {
                    broken++;
                    firstBroken = firstBroken == 0 ? lineNumber : firstBroken;
                }
            }

            if (broken > 0)
            {
                context.AddAt("data.malformed", Severity.Low, $"{broken:N0} line(s) are not valid JSON, the first at line {firstBroken}; the valid lines were read", location, firstBroken, null);
            }

            return;
        }

        if (!WalkJson(bytes, builder, null, out var error))
        {
            context.AddAt("data.malformed", Severity.Low, $"broken JSON: {error.Message}; the values before it were read", location, error.Line, null);
        }
    }

    /// <summary>Walks one JSON text; rows are the elements of a top-level array (or the document itself). False with the error's line when it is broken.</summary>
    private static bool WalkJson(ReadOnlySpan<byte> json, InventoryBuilder builder, int? fixedLine, out (string Message, int? Line) error)
    {
        error = default;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 });
        var path = new List<string>();
        var pendingProperty = (string?)null;
        var topArray = false;
        var line = 1;
        var counted = 0;
        Span<char> chars = stackalloc char[512];
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartArray when reader.CurrentDepth == 0:
                        topArray = true;
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (topArray && reader.CurrentDepth == 1 && fixedLine is null)
                        {
                            builder.Row();
                        }

                        path.Add(pendingProperty ?? (reader.CurrentDepth == 0 || (topArray && reader.CurrentDepth == 1) ? string.Empty : "[]"));
                        pendingProperty = null;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        if (path.Count > 0 && !(topArray && reader.CurrentDepth == 0))
                        {
                            path.RemoveAt(path.Count - 1);
                        }

                        break;
                    case JsonTokenType.PropertyName:
                        pendingProperty = reader.GetString();
                        break;
                    case JsonTokenType.String or JsonTokenType.Number:
                        var name = pendingProperty ?? (path.Count > 0 ? "[]" : "$");
                        pendingProperty = null;
                        var column = string.Join('.', path.Where(p => p.Length > 0).Append(name));
                        if (fixedLine is null)
                        {
                            var start = (int)reader.TokenStartIndex;
                            line += json[counted..start].Count((byte)'\n');
                            counted = start;
                        }

                        var raw = reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan;
                        if (reader.TokenType == JsonTokenType.String && raw.Length < 4096)
                        {
                            var text = reader.GetString()!;
                            builder.Observe(builder.ColumnOf(column), text, fixedLine ?? line);
                        }
                        else if (raw.Length <= chars.Length)
                        {
                            var n = Encoding.UTF8.GetChars(raw, chars);
                            builder.Observe(builder.ColumnOf(column), chars[..n], fixedLine ?? line);
                        }

                        break;
                    default:
                        pendingProperty = null;
                        break;
                }
            }

            return true;
        }
        catch (JsonException ex)
        {
            error = (ex.Message, ex.LineNumber is { } l ? (int)l + 1 : null);
            return false;
        }
    }

    private static void ReadParquet(Stream stream, InventoryBuilder builder, string location, ScanContext context)
    {
        try
        {
            var reader = Parquet.ParquetReader.CreateAsync(stream, leaveStreamOpen: true).GetAwaiter().GetResult();
            using var disposer = new AsyncDisposer(reader);
            var fields = reader.Schema.GetDataFields();
            var strings = fields.Where(f => f.ClrType == typeof(string) || f.ClrType == typeof(ReadOnlyMemory<char>)).ToArray(); // Parquet.Net 6 types UTF-8 columns as ReadOnlyMemory<char>
            var columns = fields.Select(f => builder.ColumnOf(f.Path.ToString())).ToArray();
            long budget = context.Options.Sampling ? 1_000_000 : long.MaxValue;
            long rowsRead = 0;
            for (var g = 0; g < reader.RowGroupCount && rowsRead < budget; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var rows = (int)group.RowCount;
                foreach (var field in strings)
                {
                    var values = new string?[rows];
                    group.ReadAsync(field, values.AsMemory(), null).AsTask().GetAwaiter().GetResult();
                    var column = builder.ColumnOf(field.Path.ToString());
                    foreach (var value in values)
                    {
                        builder.Observe(column, value ?? string.Empty, null);
                    }
                }

                for (var r = 0; r < rows; r++)
                {
                    builder.Row();
                }

                rowsRead += rows;
            }

            _ = columns;
            builder.Sampling = rowsRead < reader.RowGroups.Sum(r => r.RowCount)
                ? $"sampled: the first {rowsRead:N0} rows (whole row groups); string columns only; --no-sampling reads every row group"
                : "every row group read; string columns only";
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not StackOverflowException)
        {
            context.Add("data.malformed", Severity.Low, $"Parquet file not read for personal data: {ex.Message}", location);
        }
    }

    private static void DescribeIdx(Stream stream, string location, ScanContext context)
    {
        Span<byte> head = stackalloc byte[4];
        if (stream.ReadAtLeast(head, 4, throwOnEndOfStream: false) < 4 || head[0] != 0 || head[1] != 0)
        {
            context.Add("data.malformed", Severity.Low, "not an IDX file (bad magic); not read", location);
            return;
        }

        context.Add("data.inventory", Severity.Info, $"IDX array of type 0x{head[2]:x2} with {head[3]} dimension(s): numeric, holds no text; checked for leakage with --train/--test, not for personal data", location);
    }
}

/// <summary>Disposes an async-disposable synchronously at the end of a using block.</summary>
internal sealed class AsyncDisposer(IAsyncDisposable inner) : IDisposable
{
    public void Dispose() => inner.DisposeAsync().AsTask().GetAwaiter().GetResult();
}

/// <summary>The data file kinds the PII pass reads.</summary>
internal enum DataKind
{
    None,
    Csv,
    Tsv,
    Json,
    JsonLines,
    Parquet,
    Npz,
    Npy,
    Idx,
}
