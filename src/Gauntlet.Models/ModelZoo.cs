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
    public static readonly IReadOnlyList<string> Architectures = ["cnn-small", "mlp", "resnet-mini"];

    /// <summary>
    /// Creates an architecture for images of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/>
    /// and <paramref name="classes"/> classes.
    /// </summary>
    /// <remarks>
    /// <c>cnn-small</c>: conv 3×3 C→32, ReLU, max-pool 2, conv 3×3 32→64, ReLU, max-pool 2, flatten,
    /// linear →128, ReLU, linear 128→K (the reference CNN of the performance benchmarks).
    /// <c>mlp</c>: flatten, linear →256, ReLU, linear 256→128, ReLU, linear 128→K.
    /// <c>resnet-mini</c>: conv 3×3 C→16, BN, ReLU, a residual block at 16 channels, a strided
    /// conv 16→32 with BN and ReLU, a residual block at 32, global average pooling, linear 32→K;
    /// each residual block is conv-BN-ReLU-conv-BN added to its input, then ReLU.
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

            case "resnet-mini":
                return new Sequential(
                    new Conv2d(channels, 16, 3, rng, padding: 1, bias: false),
                    new BatchNorm(16),
                    new Relu(),
                    ResidualBlock(16, rng),
                    new Relu(),
                    new Conv2d(16, 32, 3, rng, stride: 2, padding: 1, bias: false),
                    new BatchNorm(32),
                    new Relu(),
                    ResidualBlock(32, rng),
                    new Relu(),
                    new GlobalAvgPool2d(),
                    new Flatten(),
                    new Linear(32, classes, rng));
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

    private static Residual ResidualBlock(int channels, Rng rng) => new(new Sequential(
        new Conv2d(channels, channels, 3, rng, padding: 1, bias: false),
        new BatchNorm(channels),
        new Relu(),
        new Conv2d(channels, channels, 3, rng, padding: 1, bias: false),
        new BatchNorm(channels)));
}
