namespace Gauntlet.Tensors;

public sealed partial class Tensor
{
    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape) => new(new float[new Shape(shape).Size], new Shape(shape));

    /// <summary>A tensor of zeros with shape <paramref name="shape"/>.</summary>
    public static Tensor Zeros(Shape shape) => new(new float[shape.Size], shape);

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(1f, shape);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(float value, params int[] shape)
    {
        var s = new Shape(shape);
        var data = new float[s.Size];
        Array.Fill(data, value);
        return new Tensor(data, s);
    }

    /// <summary>A rank-0 tensor holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(float value) => new([value], Shape.Scalar);

    /// <summary>
    /// Wraps <paramref name="data"/> (not copied) as a tensor of the given shape.
    /// </summary>
    /// <exception cref="TensorShapeException">The element count does not match the shape.</exception>
    public static Tensor FromArray(float[] data, params int[] shape) => new(data, new Shape(shape));

    /// <summary>Wraps <paramref name="data"/> (not copied) as a tensor of shape <paramref name="shape"/>.</summary>
    public static Tensor FromArray(float[] data, Shape shape) => new(data, shape);

    /// <summary>A copy of <paramref name="data"/> as a tensor of the given shape.</summary>
    public static Tensor FromSpan(ReadOnlySpan<float> data, params int[] shape) => new(data.ToArray(), new Shape(shape));

    /// <summary>The values 0, 1, ..., <paramref name="count"/> - 1 as a vector.</summary>
    public static Tensor Arange(int count)
    {
        var data = new float[count];
        for (var i = 0; i < count; i++)
        {
            data[i] = i;
        }

        return new Tensor(data, new Shape(count));
    }

    /// <summary>Standard normal samples from an explicit seed.</summary>
    public static Tensor RandN(int seed, params int[] shape) => RandN(new Rng(seed), shape);

    /// <summary>Standard normal samples from <paramref name="rng"/>.</summary>
    public static Tensor RandN(Rng rng, params int[] shape)
    {
        var s = new Shape(shape);
        var data = new float[s.Size];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (float)rng.NextGaussian();
        }

        return new Tensor(data, s);
    }

    /// <summary>Uniform samples in [<paramref name="low"/>, <paramref name="high"/>) from <paramref name="rng"/>.</summary>
    public static Tensor RandU(Rng rng, float low, float high, params int[] shape)
    {
        var s = new Shape(shape);
        var data = new float[s.Size];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = low + ((high - low) * (float)rng.NextDouble());
        }

        return new Tensor(data, s);
    }

    /// <summary>A tensor of zeros with the same shape as <paramref name="other"/>.</summary>
    public static Tensor ZerosLike(Tensor other) => Zeros(other.Shape);
}
