using System.Reflection;
using Gauntlet.Tensors;

namespace Gauntlet.Data;

/// <summary>
/// Fashion-MNIST (Xiao et al. 2017): 28×28 grayscale clothing images in 10 classes. The name
/// <c>fashion-mnist</c> resolves to Debian's dataset-fashion-mnist files, or to any folder with
/// the same file names; a 1,000-image test subset ships embedded for the demo.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's dataset-fashion-mnist package installs the files.</summary>
    public const string SystemPath = "/usr/share/datasets/fashion-mnist";

    /// <summary>The class names, in label order.</summary>
    public static readonly IReadOnlyList<string> ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>True when the full data set is installed at <see cref="SystemPath"/>.</summary>
    public static bool IsInstalled => File.Exists(Path.Combine(SystemPath, "train-images-idx3-ubyte.gz"));

    /// <summary>
    /// Loads a split from <paramref name="folder"/> (default <see cref="SystemPath"/>), accepting
    /// the standard file names with or without <c>.gz</c>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The folder lacks the split's files; the message says how to install them.</exception>
    public static LabeledImages Load(bool train, string? folder = null)
    {
        folder ??= SystemPath;
        var prefix = train ? "train" : "t10k";
        var images = Find(folder, $"{prefix}-images-idx3-ubyte");
        var labels = Find(folder, $"{prefix}-labels-idx1-ubyte");
        return FromIdx(IdxFile.Read(images), IdxFile.Read(labels), $"{folder} ({(train ? "train" : "test")})");
    }

    /// <summary>The embedded 1,000-image subset of the test split (the first 1,000 test images).</summary>
    public static LabeledImages LoadEmbeddedDemo()
    {
        var assembly = typeof(FashionMnist).Assembly;
        return FromIdx(ReadResource(assembly, "demo-images-idx3-ubyte.gz"), ReadResource(assembly, "demo-labels-idx1-ubyte.gz"), "embedded Fashion-MNIST demo subset");
    }

    /// <summary>Builds the set from IDX arrays, scaling uint8 pixels to [0, 1].</summary>
    /// <exception cref="InvalidDataException">The arrays are not N×28×28 images and N labels.</exception>
    public static LabeledImages FromIdx(IdxFile images, IdxFile labels, string source)
    {
        if (images.Dimensions.Count != 3)
        {
            throw new InvalidDataException($"{source}: image file has shape [{string.Join(", ", images.Dimensions)}]; expected [N, H, W].");
        }

        if (labels.Dimensions.Count != 1)
        {
            throw new InvalidDataException($"{source}: label file has shape [{string.Join(", ", labels.Dimensions)}]; expected [N].");
        }

        var n = images.Dimensions[0];
        var h = images.Dimensions[1];
        var w = images.Dimensions[2];
        var pixels = images.Values;
        var scale = images.ElementType == IdxElementType.UInt8 ? 1f / 255f : 1f;
        var data = new float[pixels.Length];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = pixels[i] * scale;
        }

        var y = labels.Values.Select(v => (int)v).ToArray();
        return new LabeledImages(Tensor.FromArray(data, n, 1, h, w), y, 10, source, ClassNames);
    }

    private static string Find(string folder, string stem)
    {
        foreach (var candidate in new[] { stem + ".gz", stem })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException(
            $"Fashion-MNIST file '{stem}[.gz]' not found in {folder}. Install Debian's package (apt-get install dataset-fashion-mnist) or pass a folder with the standard file names.",
            Path.Combine(folder, stem));
    }

    private static IdxFile ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream("Gauntlet.Data.Demo." + name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing from {assembly.GetName().Name}; the build is broken.");
        return IdxFile.Read(stream, "embedded:" + name);
    }
}
