using System.Globalization;
using Gauntlet.Core.IO;
using Gauntlet.Tensors;

namespace Gauntlet.Data;

/// <summary>What <see cref="DataSource.Load"/> produced: an image set or a table (exactly one is non-null).</summary>
public sealed class LoadedData
{
    internal LoadedData(LabeledImages? images, LabeledTable? table)
    {
        Images = images;
        Table = table;
    }

    /// <summary>The images, for image sources.</summary>
    public LabeledImages? Images { get; }

    /// <summary>The table, for CSV sources.</summary>
    public LabeledTable? Table { get; }

    /// <summary>Where the data came from.</summary>
    public string Source => Images?.Source ?? Table!.Source;
}

/// <summary>
/// Resolves a data-set argument: <c>fashion-mnist</c> (Debian's files), <c>demo</c> (the embedded
/// subset), a folder (IDX files with the MNIST names, or an image folder of class subfolders), a
/// <c>.npy</c> or <c>.npz</c> image array, or a <c>.csv</c> table.
/// </summary>
public static class DataSource
{
    private static readonly string[] NpzImageNames = ["images", "x", "x_test", "x_train", "data", "X"];
    private static readonly string[] NpzLabelNames = ["labels", "y", "y_test", "y_train", "targets", "Y"];

    /// <summary>
    /// Loads <paramref name="nameOrPath"/>. Images from <c>.npy</c> need <paramref name="labelsPath"/>
    /// (any <see cref="LabelFile"/> format); <c>.npz</c> takes labels from a member named labels/y/targets
    /// when no labels file is given. N×H×W arrays gain a channel axis; uint8 pixels are scaled to [0, 1].
    /// </summary>
    /// <param name="nameOrPath">A known name or a path.</param>
    /// <param name="labelsPath">A separate label file, for array sources.</param>
    /// <param name="train">For Fashion-MNIST and IDX folders: the training split instead of the test split.</param>
    /// <param name="warn">Receives one line per warning (how string labels were numbered); ignored when null.</param>
    /// <remarks>
    /// Every file is read through <see cref="InputFile"/>: a FIFO, device or socket is refused before it
    /// is opened, and each file's size is checked against its limit before it is read. Labels at or above
    /// <see cref="InputLimits.MaxClasses"/> are refused, and a source with no images is an error.
    /// </remarks>
    /// <exception cref="FileNotFoundException">Nothing exists at the path, or the labels are missing.</exception>
    /// <exception cref="InvalidDataException">The data is malformed, empty, not a regular file or too large; the message names the file.</exception>
    /// <exception cref="ArgumentException">A labels file was given for <c>fashion-mnist</c> or <c>demo</c>, which carry their own.</exception>
    public static LoadedData Load(string nameOrPath, string? labelsPath = null, bool train = false, Action<string>? warn = null)
    {
        var loaded = LoadAny(nameOrPath, labelsPath, train, warn);
        if ((loaded.Images?.Count ?? loaded.Table!.Count) == 0)
        {
            throw new InvalidDataException($"{loaded.Source}: the data set holds no {(loaded.Images is null ? "rows" : "images")}; expected at least one.");
        }

        return loaded;
    }

    private static LoadedData LoadAny(string nameOrPath, string? labelsPath, bool train, Action<string>? warn)
    {
        var builtIn = string.Equals(nameOrPath, "fashion-mnist", StringComparison.OrdinalIgnoreCase) || string.Equals(nameOrPath, "demo", StringComparison.OrdinalIgnoreCase);
        if (builtIn && labelsPath is not null)
        {
            throw new ArgumentException($"'{nameOrPath}' carries its own labels; a separate labels file ({labelsPath}) is not supported for it.", nameof(labelsPath));
        }

        if (string.Equals(nameOrPath, "fashion-mnist", StringComparison.OrdinalIgnoreCase))
        {
            return new LoadedData(FashionMnist.Load(train), null);
        }

        if (string.Equals(nameOrPath, "demo", StringComparison.OrdinalIgnoreCase))
        {
            return new LoadedData(FashionMnist.LoadEmbeddedDemo(), null);
        }

        if (Directory.Exists(nameOrPath))
        {
            var prefix = train ? "train" : "t10k";
            if (FindIdx(nameOrPath, $"{prefix}-images-idx3-ubyte") is { } images && FindIdx(nameOrPath, $"{prefix}-labels-idx1-ubyte") is { } labels)
            {
                return new LoadedData(FromIdxFolder(nameOrPath, images, labels, labelsPath, train, warn), null);
            }

            return new LoadedData(WithLabels(ImageFolder.Load(nameOrPath), labelsPath, warn), null);
        }

        if (!File.Exists(nameOrPath))
        {
            throw new FileNotFoundException(
                $"data source '{nameOrPath}' is neither a known name (fashion-mnist, demo) nor an existing file or folder.", nameOrPath);
        }

        // Before the extension is looked at: a FIFO named x.npy must be refused, not opened.
        InputFile.Check(nameOrPath, "data set");

        var extension = Path.GetExtension(nameOrPath).ToLowerInvariant();
        switch (extension)
        {
            case ".csv" or ".tsv" or ".txt":
                if (labelsPath is not null)
                {
                    throw new InvalidDataException($"{nameOrPath}: a CSV table carries its labels in a column; a separate labels file ({labelsPath}) is not supported for tables.");
                }

                return new LoadedData(null, CsvTable.Load(nameOrPath));
            case ".npy":
                var array = NpyArray.Read(nameOrPath);
                var npyLabels = labelsPath is null
                    ? throw new FileNotFoundException($"{nameOrPath}: a .npy image array needs a labels file (--labels: .npy, IDX or CSV).")
                    : LabelFile.Load(labelsPath);
                Warn(npyLabels, warn);
                return new LoadedData(FromArray(array, npyLabels.Labels, npyLabels.ClassNames, nameOrPath, npyLabels.Source), null);
            case ".npz":
                using (var npz = NpzFile.Open(nameOrPath))
                {
                    var imageName = PickMember(npz, NpzImageNames)
                        ?? throw new InvalidDataException($"{nameOrPath}: no image array found; expected a member named one of {string.Join(", ", NpzImageNames)} (the archive holds: {string.Join(", ", npz.Names)}).");
                    var x = npz.Read(imageName);
                    if (labelsPath is not null)
                    {
                        var file = LabelFile.Load(labelsPath);
                        Warn(file, warn);
                        return new LoadedData(FromArray(x, file.Labels, file.ClassNames, nameOrPath, file.Source), null);
                    }

                    var labelName = PickMember(npz, NpzLabelNames)
                        ?? throw new FileNotFoundException($"{nameOrPath}: no label array (one of {string.Join(", ", NpzLabelNames)}) in the archive and no labels file given.");
                    var y = npz.Read(labelName);
                    if (y.Shape.Count != 1)
                    {
                        throw new InvalidDataException($"{nameOrPath}:{labelName}: label array has shape ({string.Join(", ", y.Shape)}); expected (N,).");
                    }

                    var member = $"{nameOrPath}:{labelName}";
                    var values = y.ToInt64Array(member);
                    var ints = new int[values.Length];
                    for (var i = 0; i < ints.Length; i++)
                    {
                        if (values[i] < 0)
                        {
                            throw new InvalidDataException($"{member}: label {values[i]} at index {i} is negative; expected a class index.");
                        }

                        ClassLimit.Check(values[i], $"{member}: sample {i.ToString(CultureInfo.InvariantCulture)}");
                        ints[i] = (int)values[i];
                    }

                    return new LoadedData(FromArray(x, ints, null, nameOrPath, member), null);
                }

            case ".png":
                throw new InvalidDataException($"{nameOrPath}: a single PNG is not a data set; pass a folder with one subfolder of PNGs per class.");
            default:
                if (IsIdx(nameOrPath))
                {
                    var idxLabels = labelsPath is null
                        ? throw new FileNotFoundException($"{nameOrPath}: an IDX image file needs a labels file (--labels: IDX, .npy or CSV).")
                        : LabelFile.Load(labelsPath);
                    Warn(idxLabels, warn);
                    return new LoadedData(FromIdxImages(IdxFile.Read(nameOrPath), nameOrPath, idxLabels, nameOrPath), null);
                }

                throw new InvalidDataException($"{nameOrPath}: unrecognised data file extension '{extension}'; expected .npy, .npz, .csv, an IDX image file (raw or .gz), a folder, 'fashion-mnist' or 'demo'.");
        }
    }

    /// <summary>Builds images from an array: <c>[N, H, W]</c> gains a channel axis, <c>[N, C, H, W]</c> is kept; uint8 is scaled by 1/255.</summary>
    /// <param name="array">The images.</param>
    /// <param name="labels">One class index per image.</param>
    /// <param name="classNames">Class names, or null for "0", "1", ….</param>
    /// <param name="source">The images' file, for errors.</param>
    /// <param name="labelSource">The labels' file when separate, for errors.</param>
    /// <exception cref="InvalidDataException">The array has another rank, the label count differs, or a label is at or above <see cref="InputLimits.MaxClasses"/>.</exception>
    public static LabeledImages FromArray(NpyArray array, int[] labels, IReadOnlyList<string>? classNames, string source, string? labelSource = null)
    {
        ArgumentNullException.ThrowIfNull(array);
        ArgumentNullException.ThrowIfNull(labels);
        var s = array.Shape;
        int[] dims = s.Count switch
        {
            3 => [s[0], 1, s[1], s[2]],
            4 => [s[0], s[1], s[2], s[3]],
            _ => throw new InvalidDataException($"{source}: image array has shape ({string.Join(", ", s)}); expected (N, H, W) or (N, C, H, W)."),
        };
        var values = array.ToSingleArray();
        if (array.ElementType == NpyElementType.UInt8)
        {
            values = (float[])values.Clone();
            for (var i = 0; i < values.Length; i++)
            {
                values[i] /= 255f;
            }
        }

        var classCount = classNames?.Count ?? Math.Max(1, ClassLimit.ClassCount(labels, labelSource ?? source));
        return new LabeledImages(Tensor.FromArray(values, dims), labels, classCount, source, classNames, labelSource);
    }

    private static LabeledImages FromIdxFolder(string folder, string imagesPath, string labelsPathIdx, string? labelsPath, bool train, Action<string>? warn)
    {
        var images = IdxFile.Read(imagesPath);
        var source = $"{folder} ({(train ? "train" : "test")})";
        if (labelsPath is null && (Path.GetFullPath(folder) == FashionMnist.SystemPath || folder.Contains("fashion", StringComparison.OrdinalIgnoreCase)))
        {
            return FashionMnist.FromIdx(images, IdxFile.Read(labelsPathIdx), source);
        }

        var file = LabelFile.Load(labelsPath ?? labelsPathIdx);
        Warn(file, warn);
        return FromIdxImages(images, imagesPath, file, source);
    }

    // An IDX file [N, H, W] (uint8 scaled to [0, 1]) with labels from any label file.
    private static LabeledImages FromIdxImages(IdxFile images, string imagesPath, LabelFile file, string source)
    {
        if (images.Dimensions.Count != 3)
        {
            throw new InvalidDataException($"{imagesPath}: image file has shape [{string.Join(", ", images.Dimensions)}]; expected [N, H, W].");
        }

        var divisor = images.ElementType == IdxElementType.UInt8 ? 255f : 1f;
        var data = images.Values.Select(v => v / divisor).ToArray();
        var tensor = Tensor.FromArray(data, images.Dimensions[0], 1, images.Dimensions[1], images.Dimensions[2]);
        return new LabeledImages(tensor, file.Labels, Math.Max(1, file.ClassCount), source, file.ClassNames, file.Source);
    }

    // An IDX file, raw or gzip-compressed, whatever its name (t10k-images-idx3-ubyte, x.idx, x.gz).
    private static bool IsIdx(string path)
    {
        Span<byte> head = stackalloc byte[4];
        using var stream = InputFile.OpenRead(path, "data set");
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return (read >= 2 && head[0] == 0x1F && head[1] == 0x8B) || IdxFile.HasMagic(head[..read]);
    }

    private static void Warn(LabelFile file, Action<string>? warn)
    {
        if (file.NumberingNote is { } note)
        {
            warn?.Invoke("warning: " + note);
        }
    }

    private static LabeledImages WithLabels(LabeledImages images, string? labelsPath, Action<string>? warn)
    {
        if (labelsPath is null)
        {
            return images;
        }

        var file = LabelFile.Load(labelsPath);
        Warn(file, warn);
        return new LabeledImages(images.Images, file.Labels, Math.Max(1, file.ClassCount), images.Source, file.ClassNames, file.Source);
    }

    private static string? PickMember(NpzFile npz, string[] preferred)
    {
        foreach (var name in preferred)
        {
            if (npz.Names.Contains(name, StringComparer.Ordinal))
            {
                return name;
            }
        }

        return npz.Names.Count == 1 && preferred == NpzImageNames ? npz.Names[0] : null;
    }

    private static string? FindIdx(string folder, string stem) =>
        new[] { stem + ".gz", stem }.Select(c => Path.Combine(folder, c)).FirstOrDefault(File.Exists);

    internal static string Format(float v) => v.ToString("R", CultureInfo.InvariantCulture);
}
