namespace Gauntlet.Tensors.Nn;

/// <summary>
/// Weight initialisation from an explicit <see cref="Rng"/>, so a model's starting point is
/// reproducible from its seed. Fan-in and fan-out follow PyTorch: for a weight of shape
/// <c>[out, in, k...]</c>, fan_in = in·Πk and fan_out = out·Πk.
/// </summary>
public static class Init
{
    /// <summary>(fan_in, fan_out) of a weight tensor.</summary>
    /// <exception cref="ArgumentException">The tensor has rank below 2.</exception>
    public static (int FanIn, int FanOut) Fans(Shape shape)
    {
        if (shape.Rank < 2)
        {
            throw new ArgumentException($"Init: fan-in/fan-out need a weight of rank ≥ 2; got shape {shape}.", nameof(shape));
        }

        var receptive = shape.SizeOf(2, shape.Rank);
        return (shape.Dims[1] * receptive, shape.Dims[0] * receptive);
    }

    /// <summary>Fills with U(−b, b), b = gain·√(3 / fan_in) (He et al. 2015).</summary>
    public static Tensor KaimingUniform(Tensor w, Rng rng, float gain = 1.4142135f)
    {
        var bound = gain * MathF.Sqrt(3f / Fans(w.Shape).FanIn);
        return Uniform(w, rng, -bound, bound);
    }

    /// <summary>Fills with N(0, σ²), σ = gain / √fan_in.</summary>
    public static Tensor KaimingNormal(Tensor w, Rng rng, float gain = 1.4142135f)
    {
        var std = gain / MathF.Sqrt(Fans(w.Shape).FanIn);
        return Normal(w, rng, 0f, std);
    }

    /// <summary>Fills with U(−b, b), b = gain·√(6 / (fan_in + fan_out)) (Glorot &amp; Bengio 2010).</summary>
    public static Tensor XavierUniform(Tensor w, Rng rng, float gain = 1f)
    {
        var (fanIn, fanOut) = Fans(w.Shape);
        var bound = gain * MathF.Sqrt(6f / (fanIn + fanOut));
        return Uniform(w, rng, -bound, bound);
    }

    /// <summary>Fills with N(0, σ²), σ = gain·√(2 / (fan_in + fan_out)).</summary>
    public static Tensor XavierNormal(Tensor w, Rng rng, float gain = 1f)
    {
        var (fanIn, fanOut) = Fans(w.Shape);
        return Normal(w, rng, 0f, gain * MathF.Sqrt(2f / (fanIn + fanOut)));
    }

    /// <summary>
    /// PyTorch's default for Linear and Conv layers: weights U(±1/√fan_in) (Kaiming uniform with
    /// a = √5) and biases U(±1/√fan_in).
    /// </summary>
    public static void PyTorchDefault(Tensor weight, Tensor? bias, Rng rng)
    {
        var bound = 1f / MathF.Sqrt(Fans(weight.Shape).FanIn);
        Uniform(weight, rng, -bound, bound);
        if (bias is not null)
        {
            Uniform(bias, rng, -bound, bound);
        }
    }

    /// <summary>Fills with U(<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static Tensor Uniform(Tensor t, Rng rng, float low, float high)
    {
        var span = t.Span;
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = low + ((high - low) * (float)rng.NextDouble());
        }

        return t;
    }

    /// <summary>Fills with N(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    public static Tensor Normal(Tensor t, Rng rng, float mean, float std)
    {
        var span = t.Span;
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = mean + (std * (float)rng.NextGaussian());
        }

        return t;
    }
}
