using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using nietras.SeparatedValues;

namespace Gauntlet.Scanner.Data.Leakage;

/// <summary>
/// One split (train or test) read as samples: rows of a table (CSV, TSV, JSON Lines) or images
/// (IDX, NPY, PNG), with labels where the split has them.
/// </summary>
internal sealed class SplitData
{
    private static readonly HashSet<string> LabelNames = new(StringComparer.Ordinal) { "label", "labels", "target", "y", "class", "outcome", "category" };
    private static readonly HashSet<string> IdNames = new(StringComparer.Ordinal) { "id", "index", "uuid", "rowid", "unnamed0", "idx", "sampleid" };

    public required string Source { get; init; }

    /// <summary>Column names of a table; empty for images.</summary>
    public IReadOnlyList<string> Columns { get; init; } = [];

    /// <summary>Rows of a table (cells as read).</summary>
    public List<string[]> Rows { get; init; } = [];

    /// <summary>Images as 8-bit grayscale, row-major, all <see cref="Width"/> by <see cref="Height"/>.</summary>
    public List<byte[]> Images { get; init; } = [];

    public int Width { get; init; }

    public int Height { get; init; }

    /// <summary>The label of each sample (a table's label column, an IDX labels file, a PNG's folder), or null when there are none.</summary>
    public string[]? Labels { get; set; }

    /// <summary>Index of the label column in <see cref="Columns"/>, or -1.</summary>
    public int LabelColumn { get; init; } = -1;

    public bool IsImages => Images.Count > 0 || Width > 0;

    /// <summary>Line of the first sample in a single table file (2 after a CSV/TSV header, 1 for JSON Lines without blank lines), or null when samples have no line (images, folders).</summary>
    public int? FirstLine { get; init; }

    public int Count => IsImages ? Images.Count : Rows.Count;

    /// <summary>The columns that describe a sample: all but the label and id-like columns.</summary>
    public IEnumerable<int> FeatureColumns => Enumerable.Range(0, Columns.Count).Where(i => i != LabelColumn && !IdNames.Contains(ColumnHints.Normalise(Columns[i])));

    /// <summary>Reads a file or folder as a split.</summary>
    /// <exception cref="InvalidDataException">The input is not a split the analyser can read (one line, the reason).</exception>
    public static SplitData Load(string path, long maxBytes)
    {
        if (Directory.Exists(path))
        {
            var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
            var pngs = files.Where(f => f.EndsWith(".png", StringComparison.OrdinalIgnoreCase)).ToList();
            if (pngs.Count > 0)
            {
                return LoadPngs(path, pngs);
            }

            var tables = files.Where(f => Kind(f) is "csv" or "tsv" or "jsonl").ToList();
            if (tables.Count > 0)
            {
                var parts = tables.Select(f => Load(f, maxBytes)).ToList();
                var first = parts[0];
                foreach (var part in parts.Skip(1))
                {
                    if (!part.Columns.SequenceEqual(first.Columns))
                    {
                        throw new InvalidDataException($"{part.Source} has other columns than {first.Source}");
                    }

                    first.Rows.AddRange(part.Rows);
                }

                return new SplitData { Source = path, Columns = first.Columns, Rows = first.Rows, LabelColumn = first.LabelColumn, Labels = first.LabelColumn < 0 ? null : [.. first.Rows.Select(r => r[first.LabelColumn])] };
            }

            var images = files.FirstOrDefault(f => Path.GetFileName(f).Contains("images", StringComparison.OrdinalIgnoreCase) && Kind(f) == "idx");
            if (images is not null)
            {
                return Load(images, maxBytes);
            }

            throw new InvalidDataException($"{path} holds no CSV, TSV, JSONL, IDX or PNG files");
        }

        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path} does not exist");
        }

        if (new FileInfo(path).Length > maxBytes)
        {
            throw new InvalidDataException($"{path} is larger than the {maxBytes:N0}-byte limit for a split");
        }

        return Kind(path) switch
        {
            "csv" => LoadTable(path, ','),
            "tsv" => LoadTable(path, '\t'),
            "jsonl" => LoadJsonLines(path),
            "idx" => LoadIdx(path),
            "npy" => LoadNpy(path),
            "png" => LoadPngs(Path.GetDirectoryName(path) ?? ".", [path]),
            _ => throw new InvalidDataException($"{path}: not a CSV, TSV, JSONL, IDX, NPY or PNG file"),
        };
    }

    private static string Kind(string path)
    {
        var name = Path.GetFileName(path).ToLowerInvariant();
        if (name.EndsWith(".gz", StringComparison.Ordinal))
        {
            name = name[..^3];
        }

        return name.EndsWith(".csv", StringComparison.Ordinal) ? "csv"
            : name.EndsWith(".tsv", StringComparison.Ordinal) ? "tsv"
            : name.EndsWith(".jsonl", StringComparison.Ordinal) || name.EndsWith(".ndjson", StringComparison.Ordinal) ? "jsonl"
            : name.EndsWith("-ubyte", StringComparison.Ordinal) || name.EndsWith(".idx", StringComparison.Ordinal) ? "idx"
            : name.EndsWith(".npy", StringComparison.Ordinal) ? "npy"
            : name.EndsWith(".png", StringComparison.Ordinal) ? "png"
            : string.Empty;
    }

    private static Stream Open(string path)
    {
        Stream stream = File.OpenRead(path);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(stream, CompressionMode.Decompress) : stream;
    }

    private static int LabelIndex(IReadOnlyList<string> columns)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (LabelNames.Contains(ColumnHints.Normalise(columns[i])))
            {
                return i;
            }
        }

        return -1;
    }

    private static SplitData LoadTable(string path, char separator)
    {
        using var stream = Open(path);
        using var reader = new SepReaderOptions(new nietras.SeparatedValues.Sep(separator)) { HasHeader = true, Unescape = true, DisableColCountCheck = true }.From(stream);
        var columns = reader.Header.ColNames.ToArray();
        var rows = new List<string[]>();
        foreach (var row in reader)
        {
            var cells = new string[columns.Length];
            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] = i < row.ColCount ? row[i].ToString() : string.Empty;
            }

            rows.Add(cells);
        }

        var label = LabelIndex(columns);
        return new SplitData { Source = path, Columns = columns, Rows = rows, LabelColumn = label, Labels = label < 0 ? null : [.. rows.Select(r => r[label])], FirstLine = 2 };
    }

    private static SplitData LoadJsonLines(string path)
    {
        var columns = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var records = new List<Dictionary<int, string>>();
        using var reader = new StreamReader(Open(path));
        var lineNumber = 0;
        var blank = false;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                blank = true;
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidDataException($"{path} line {lineNumber}: not a JSON object");
                }

                var record = new Dictionary<int, string>();
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (!index.TryGetValue(property.Name, out var c))
                    {
                        index[property.Name] = c = columns.Count;
                        columns.Add(property.Name);
                    }

                    record[c] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                }

                records.Add(record);
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{path} line {lineNumber}: broken JSON ({ex.Message})", ex);
            }
        }

        var rows = records.Select(r => Enumerable.Range(0, columns.Count).Select(c => r.GetValueOrDefault(c, string.Empty)).ToArray()).ToList();
        var label = LabelIndex(columns);
        return new SplitData { Source = path, Columns = columns, Rows = rows, LabelColumn = label, Labels = label < 0 ? null : [.. rows.Select(r => r[label])], FirstLine = blank ? null : 1 };
    }

    /// <summary>IDX (MNIST layout): unsigned-byte images of rank 3; the labels file beside it (images → labels, idx3 → idx1) is read when present.</summary>
    private static SplitData LoadIdx(string path)
    {
        var (dims, data) = ReadIdx(path);
        if (dims.Length != 3)
        {
            throw new InvalidDataException($"{path}: IDX of rank {dims.Length}; an image split needs rank 3 (count, rows, columns) of unsigned bytes");
        }

        int n = dims[0], h = dims[1], w = dims[2];
        var images = new List<byte[]>(n);
        for (var i = 0; i < n; i++)
        {
            images.Add(data.AsSpan(i * h * w, h * w).ToArray());
        }

        var split = new SplitData { Source = path, Images = images, Width = w, Height = h };
        var name = Path.GetFileName(path);
        var labelsName = name.Replace("images", "labels", StringComparison.Ordinal).Replace("idx3", "idx1", StringComparison.Ordinal);
        var labelsPath = Path.Combine(Path.GetDirectoryName(path) ?? ".", labelsName);
        if (labelsName != name && File.Exists(labelsPath))
        {
            var (labelDims, labels) = ReadIdx(labelsPath);
            if (labelDims.Length == 1 && labelDims[0] == n)
            {
                split.Labels = [.. labels.Select(b => b.ToString(CultureInfo.InvariantCulture))];
            }
        }

        return split;
    }

    private static (int[] Dims, byte[] Data) ReadIdx(string path)
    {
        using var stream = Open(path);
        Span<byte> magic = stackalloc byte[4];
        stream.ReadExactly(magic);
        if (magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08 || magic[3] is 0 or > 4)
        {
            throw new InvalidDataException($"{path}: not an unsigned-byte IDX file (magic {Convert.ToHexString(magic)})");
        }

        var dims = new int[magic[3]];
        Span<byte> size = stackalloc byte[4];
        long total = 1;
        for (var i = 0; i < dims.Length; i++)
        {
            stream.ReadExactly(size);
            dims[i] = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(size);
            total *= dims[i];
            if (dims[i] < 0 || total > int.MaxValue)
            {
                throw new InvalidDataException($"{path}: IDX dimensions too large");
            }
        }

        var data = new byte[total];
        if (stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false) < data.Length)
        {
            throw new InvalidDataException($"{path}: IDX file truncated");
        }

        return (dims, data);
    }

    /// <summary>NPY arrays of rank 3 (n, h, w) or rank 4 with 1 or 3 channels, uint8 or float (scaled to 0-255 by the array's range); rank 2 is read as table rows.</summary>
    private static SplitData LoadNpy(string path)
    {
        using var stream = Open(path);
        var header = Core.Numpy.NpyHeader.Read(stream);
        var shape = header.Shape;
        var dtype = header.Descr.TrimStart('<', '|', '=');
        if (header.IsStructured || header.FortranOrder || dtype is not ("u1" or "f4" or "f8" or "i8" or "i4"))
        {
            throw new InvalidDataException($"{path}: NPY dtype {header.Descr} (or Fortran order) not read as samples; use uint8, int32/64 or float32/64 in C order");
        }

        var count = header.ElementCount();
        if (count > int.MaxValue / 8)
        {
            throw new InvalidDataException($"{path}: array too large");
        }

        var itemSize = dtype == "u1" ? 1 : dtype is "f4" or "i4" ? 4 : 8;
        var raw = new byte[count * itemSize];
        stream.Position = header.DataOffset;
        if (stream.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false) < raw.Length)
        {
            throw new InvalidDataException($"{path}: NPY data truncated");
        }

        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = dtype switch
            {
                "u1" => raw[i],
                "f4" => BitConverter.ToSingle(raw, i * 4),
                "f8" => BitConverter.ToDouble(raw, i * 8),
                "i4" => BitConverter.ToInt32(raw, i * 4),
                _ => BitConverter.ToInt64(raw, i * 8),
            };
        }

        if (shape.Count == 2)
        {
            var columns = Enumerable.Range(0, (int)shape[1]).Select(c => $"f{c}").ToArray();
            var rows = Enumerable.Range(0, (int)shape[0]).Select(r => columns.Select((_, c) => values[(r * columns.Length) + c].ToString("R", CultureInfo.InvariantCulture)).ToArray()).ToList();
            return new SplitData { Source = path, Columns = columns, Rows = rows };
        }

        if (shape.Count is not (3 or 4) || (shape.Count == 4 && shape[3] is not (1 or 3)))
        {
            throw new InvalidDataException($"{path}: NPY shape ({string.Join(", ", shape)}) is neither a table (n, features) nor images (n, h, w[, 1 or 3])");
        }

        int n = (int)shape[0], h = (int)shape[1], w = (int)shape[2], channels = shape.Count == 4 ? (int)shape[3] : 1;
        double min = values.Length == 0 ? 0 : values.Min(), max = values.Length == 0 ? 1 : values.Max();
        var scale = dtype == "u1" || max <= min ? 1 : 255 / (max - min);
        var offset = dtype == "u1" ? 0 : min;
        var images = new List<byte[]>(n);
        for (var i = 0; i < n; i++)
        {
            var image = new byte[h * w];
            for (var p = 0; p < h * w; p++)
            {
                double sum = 0;
                for (var c = 0; c < channels; c++)
                {
                    sum += values[(((long)i * h * w) + p) * channels + c];
                }

                image[p] = (byte)Math.Clamp(Math.Round(((sum / channels) - offset) * scale), 0, 255);
            }

            images.Add(image);
        }

        return new SplitData { Source = path, Images = images, Width = w, Height = h };
    }

    /// <summary>PNG images (one folder per class, or flat); all must share one size. Labels are the parent folder names when there is more than one.</summary>
    private static SplitData LoadPngs(string root, List<string> files)
    {
        var images = new List<byte[]>(files.Count);
        var labels = new List<string>(files.Count);
        int w = 0, h = 0;
        foreach (var file in files)
        {
            var (pixels, width, height) = PngDecoder.DecodeGray(File.ReadAllBytes(file), file);
            if (images.Count == 0)
            {
                (w, h) = (width, height);
            }
            else if (width != w || height != h)
            {
                throw new InvalidDataException($"{file} is {width}x{height}; the split's images are {w}x{h}");
            }

            images.Add(pixels);
            labels.Add(Path.GetFileName(Path.GetDirectoryName(file)) ?? string.Empty);
        }

        var split = new SplitData { Source = root, Images = images, Width = w, Height = h };
        if (labels.Distinct(StringComparer.Ordinal).Count() > 1)
        {
            split.Labels = [.. labels];
        }

        return split;
    }
}
