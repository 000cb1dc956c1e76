using Gauntlet.Tensors;

namespace Gauntlet.Data;

/// <summary>
/// An image classification folder: one subfolder per class (class index = position in the ordinally
/// sorted subfolder names), each holding PNG images (<c>*.png</c>, any case, sorted by name). All
/// images must have the same size and channel count.
/// </summary>
public static class ImageFolder
{
    /// <summary>Loads every PNG under the class subfolders of <paramref name="path"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">No class folders or images, an image is not a valid PNG, or its size or channel count differs from the first image's; the message names the file.</exception>
    public static LabeledImages Load(string path)
    {
        if (!Directory.Exists(path))
        {
            throw new DirectoryNotFoundException($"image folder not found: {path}");
        }

        var classDirs = Directory.GetDirectories(path).Order(StringComparer.Ordinal).ToArray();
        if (classDirs.Length == 0)
        {
            throw new InvalidDataException($"{path}: no class subfolders; expected one subfolder of PNG images per class.");
        }

        var files = new List<(string File, int Label)>();
        for (var label = 0; label < classDirs.Length; label++)
        {
            foreach (var file in Directory.GetFiles(classDirs[label]).Where(f => f.EndsWith(".png", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal))
            {
                files.Add((file, label));
            }
        }

        if (files.Count == 0)
        {
            throw new InvalidDataException($"{path}: the class subfolders hold no .png files.");
        }

        float[]? data = null;
        int c = 0, h = 0, w = 0;
        for (var i = 0; i < files.Count; i++)
        {
            var image = PngDecoder.Decode(files[i].File);
            if (data is null)
            {
                (c, h, w) = (image.Channels, image.Height, image.Width);
                data = new float[checked((long)files.Count * c * h * w)];
            }
            else if (image.Channels != c || image.Height != h || image.Width != w)
            {
                throw new InvalidDataException(
                    $"{files[i].File}: image is {image.Channels}×{image.Height}×{image.Width} (C×H×W); expected {c}×{h}×{w} like {files[0].File}. All images in an image folder must share size and channel count.");
            }

            image.Pixels.CopyTo(data, (long)i * c * h * w);
        }

        var names = classDirs.Select(Path.GetFileName).Select(n => n!).ToArray();
        return new LabeledImages(Tensor.FromArray(data!, files.Count, c, h, w), [.. files.Select(f => f.Label)], names.Length, path, names);
    }
}
