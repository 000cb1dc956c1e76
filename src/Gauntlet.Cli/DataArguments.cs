using Gauntlet.Data;

namespace Gauntlet.Cli;

/// <summary>Resolves the <c>--data</c> value the commands share into image sets.</summary>
internal static class DataArguments
{
    public const string Description = "'fashion-mnist' (Debian's dataset-fashion-mnist), 'demo' (the embedded 1,000-image subset), a folder of IDX files or of PNG images (one subfolder per class), an IDX image file (raw or .gz; labels from --labels), or an .npy/.npz image array (labels from --labels or the .npz's labels/y member).";

    public const string LabelsDescription = "Labels for an image array given with --data: .npy, IDX, or a CSV column (string labels are numbered alphabetically; a warning shows the mapping). Refused for 'demo' and 'fashion-mnist', which carry their own.";

    /// <summary>The training and test splits (for 'demo': its first 800 and last 200 images).</summary>
    public static (LabeledImages Train, LabeledImages Test) LoadSplits(string data, string? labels = null)
    {
        RefuseLabelsForBuiltIn(data, labels);
        if (data == "demo")
        {
            var demo = FashionMnist.LoadEmbeddedDemo();
            return (demo.Take(800), demo.Select([.. Enumerable.Range(800, 200)]));
        }

        if (data == "fashion-mnist" || (labels is null && IsIdxFolder(data)))
        {
            var folder = ResolveFolder(data);
            return (NotEmpty(FashionMnist.Load(train: true, folder)), NotEmpty(FashionMnist.Load(train: false, folder)));
        }

        // One file or image folder: hold out its last 10% (at least one image) for testing.
        var all = Images(data, labels, train: true);
        var held = Math.Max(1, all.Count / 10);
        if (all.Count < 2)
        {
            throw new UserInputException($"{all.Source}: {all.Count} image(s); training needs at least 2 (one is held out for testing).");
        }

        return (all.Take(all.Count - held), all.Select([.. Enumerable.Range(all.Count - held, held)]));
    }

    /// <summary>The evaluation set: the test split, or the whole embedded subset for 'demo'.</summary>
    public static LabeledImages LoadEvaluation(string data, int? limit, string? labels = null)
    {
        if (limit is <= 0)
        {
            throw new UserInputException($"--limit must be positive (got {limit}).");
        }

        RefuseLabelsForBuiltIn(data, labels);
        var set = data == "demo" ? FashionMnist.LoadEmbeddedDemo()
            : data == "fashion-mnist" || (labels is null && IsIdxFolder(data)) ? NotEmpty(FashionMnist.Load(train: false, ResolveFolder(data)))
            : Images(data, labels, train: false);
        return limit is { } n ? set.Take(n) : set;
    }

    // docs/data.md: the built-in sets carry their own labels, so a labels file is an error, not ignored.
    private static void RefuseLabelsForBuiltIn(string data, string? labels)
    {
        if (labels is not null && data is "demo" or "fashion-mnist")
        {
            throw new UserInputException($"--labels {labels}: '{data}' carries its own labels; a separate labels file is only for --data arrays, IDX or image folders.");
        }
    }

    private static LabeledImages NotEmpty(LabeledImages set) =>
        set.Count > 0 ? set : throw new UserInputException($"{set.Source}: the data set holds no images; expected at least one.");

    private static bool IsIdxFolder(string data) =>
        Directory.Exists(data) && Directory.EnumerateFiles(data, "*-images-idx3-ubyte*").Any();

    private static LabeledImages Images(string data, string? labels, bool train)
    {
        if (!File.Exists(data) && !Directory.Exists(data))
        {
            throw new UserInputException($"--data: '{data}' does not exist; expected 'fashion-mnist', 'demo', a folder or an .npy/.npz file.");
        }

        // String labels are renumbered alphabetically; the one-line warning says how, on standard error.
        var loaded = DataSource.Load(data, labels, train, Console.Error.WriteLine);
        return loaded.Images ?? throw new UserInputException($"{loaded.Source}: a table of features; this command needs images ([N, C, H, W]).");
    }

    private static string ResolveFolder(string data)
    {
        var folder = data == "fashion-mnist" ? FashionMnist.SystemPath : data;
        if (!Directory.Exists(folder))
        {
            throw new UserInputException(data == "fashion-mnist"
                ? $"Fashion-MNIST is not installed at {folder}: run 'apt-get install dataset-fashion-mnist', or use --data demo."
                : $"--data: folder '{data}' does not exist; expected 'fashion-mnist', 'demo' or a folder with Fashion-MNIST IDX files.");
        }

        return folder;
    }
}
