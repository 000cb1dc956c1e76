using Gauntlet.Data;

namespace Gauntlet.Cli;

/// <summary>Resolves the <c>--data</c> value the commands share into image sets.</summary>
internal static class DataArguments
{
    public const string Description = "'fashion-mnist' (Debian's dataset-fashion-mnist), 'demo' (the embedded 1,000-image subset), or a folder with Fashion-MNIST IDX file names.";

    /// <summary>The training and test splits (for 'demo': its first 800 and last 200 images).</summary>
    public static (LabeledImages Train, LabeledImages Test) LoadSplits(string data)
    {
        if (data == "demo")
        {
            var demo = FashionMnist.LoadEmbeddedDemo();
            return (demo.Take(800), demo.Select([.. Enumerable.Range(800, 200)]));
        }

        var folder = ResolveFolder(data);
        return (FashionMnist.Load(train: true, folder), FashionMnist.Load(train: false, folder));
    }

    /// <summary>The evaluation set: the test split, or the whole embedded subset for 'demo'.</summary>
    public static LabeledImages LoadEvaluation(string data, int? limit)
    {
        if (limit is <= 0)
        {
            throw new UserInputException($"--limit must be positive (got {limit}).");
        }

        var set = data == "demo" ? FashionMnist.LoadEmbeddedDemo() : FashionMnist.Load(train: false, ResolveFolder(data));
        return limit is { } n ? set.Take(n) : set;
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
