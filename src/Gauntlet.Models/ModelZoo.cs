using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Models;

/// <summary>
/// Built-in architectures for image classifiers on <c>[N, C, H, W]</c> input, created from an
/// explicit seed.
/// </summary>
public static class ModelZoo
{
    /// <summary>The architecture names <see cref="Create"/> accepts.</summary>
    public static readonly IReadOnlyList<string> Architectures = ["cnn-small", "mlp"];

    /// <summary>
    /// Creates an architecture for images of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/>
    /// and <paramref name="classes"/> classes.
    /// </summary>
    /// <remarks>
    /// <c>cnn-small</c>: conv 3×3 C→32, ReLU, max-pool 2, conv 3×3 32→64, ReLU, max-pool 2, flatten,
    /// linear →128, ReLU, linear 128→K (the reference CNN of the performance benchmarks).
    /// <c>mlp</c>: flatten, linear →256, ReLU, linear 256→128, ReLU, linear 128→K.
    /// </remarks>
    /// <exception cref="ArgumentException">The name is unknown or the image is too small for the architecture.</exception>
    public static Sequential Create(string architecture, int channels, int height, int width, int classes, int seed)
    {
        var rng = new Rng(seed);
        switch (architecture)
        {
            case "cnn-small":
            {
                var h = (((height - 2) / 2) - 2) / 2;
                var w = (((width - 2) / 2) - 2) / 2;
                if (h < 1 || w < 1)
                {
                    throw new ArgumentException($"cnn-small needs images of at least 10×10; got {height}×{width}.", nameof(architecture));
                }

                return new Sequential(
                    new Conv2d(channels, 32, 3, rng),
                    new Relu(),
                    new MaxPool2d(2),
                    new Conv2d(32, 64, 3, rng),
                    new Relu(),
                    new MaxPool2d(2),
                    new Flatten(),
                    new Linear(64 * h * w, 128, rng),
                    new Relu(),
                    new Linear(128, classes, rng));
            }

            case "mlp":
                return new Sequential(
                    new Flatten(),
                    new Linear(channels * height * width, 256, rng),
                    new Relu(),
                    new Linear(256, 128, rng),
                    new Relu(),
                    new Linear(128, classes, rng));
            default:
                throw new ArgumentException($"unknown architecture '{architecture}'; expected one of: {string.Join(", ", Architectures)}.", nameof(architecture));
        }
    }
}
