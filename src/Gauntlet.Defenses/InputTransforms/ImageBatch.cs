using Gauntlet.Tensors;

namespace Gauntlet.Defenses.InputTransforms;

/// <summary>Checks shared by the image transforms.</summary>
internal static class ImageBatch
{
    /// <summary>The dimensions of a rank-4 batch.</summary>
    /// <exception cref="ArgumentException">Not <c>[N, C, H, W]</c>.</exception>
    public static (int N, int C, int H, int W) Dims(Tensor x, string transform)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 4)
        {
            throw new ArgumentException($"{transform}: input of shape {x.Shape}; expected images [N, C, H, W].", nameof(x));
        }

        return (x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3));
    }

    /// <summary>A backward pass that returns zeros: the derivative of a piecewise-constant map.</summary>
    public static Func<Tensor, Tensor> ZeroBackward(Shape shape) => _ => Tensor.Zeros(shape);
}
