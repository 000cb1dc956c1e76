using Gauntlet.Attacks.Registry;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Attacks.BlackBox;

/// <summary>The distribution <see cref="RandomNoise"/> draws from.</summary>
public enum NoiseKind
{
    /// <summary>Gaussian noise rescaled per sample to the budget's norm.</summary>
    Gaussian,

    /// <summary>Uniform noise: U(−ε, ε) for L∞, rescaled per sample for L2.</summary>
    Uniform,

    /// <summary>A given fraction of elements set to the domain's minimum or maximum (half each on average).</summary>
    SaltAndPepper,
}

/// <summary>
/// Random-noise baselines: each trial draws fresh noise for every sample not yet successful —
/// Gaussian or uniform scaled to exactly ε in L2 or L∞ per sample (before clipping to the domain,
/// which can only shrink it), or salt-and-pepper on a fraction of the elements — and each sample
/// keeps its first success, else the draw with the lowest margin loss. Queries: at most
/// <see cref="Trials"/> per sample plus the base class's two.
/// </summary>
public sealed class RandomNoise : EvasionAttack
{
    /// <summary>The registry entry: <c>gaussian-noise</c>, the floor any real attack must beat.</summary>
    public static AttackDescriptor GaussianDescriptor { get; } = new()
    {
        Name = "gaussian-noise",
        Kind = AttackKind.Noise,
        Norms = [Norm.Linf, Norm.L2],
        SupportsTargeted = true,
        Parameters = [AttackParameter.Epsilon(), AttackParameter.Trials()],
        CostRank = 0,
        Description = "Gaussian noise rescaled to exactly ε per sample; the floor any real attack must beat.",
        Citation = "",
        Factory = s => Gaussian(s.Epsilon, s.Norm, s.Trials),
    };

    /// <summary>The registry entry: <c>uniform-noise</c>.</summary>
    public static AttackDescriptor UniformDescriptor { get; } = new()
    {
        Name = "uniform-noise",
        Kind = AttackKind.Noise,
        Norms = [Norm.Linf, Norm.L2],
        SupportsTargeted = true,
        Parameters = [AttackParameter.Epsilon(), AttackParameter.Trials()],
        CostRank = 1,
        Description = "Uniform noise rescaled to exactly ε per sample (L∞: U(−ε, ε)).",
        Citation = "",
        Factory = s => Uniform(s.Epsilon, s.Norm, s.Trials),
    };

    /// <summary>The registry entry: <c>salt-and-pepper</c>, L0; its ε is the fraction of elements changed.</summary>
    public static AttackDescriptor SaltAndPepperDescriptor { get; } = new()
    {
        Name = "salt-and-pepper",
        Kind = AttackKind.Noise,
        Norms = [Norm.L0],
        SupportsTargeted = true,
        Parameters = [AttackParameter.Epsilon("the fraction of pixels changed", max: 1), AttackParameter.Trials()],
        CostRank = 2,
        Description = "Each element set to the domain's min or max with probability ε.",
        Citation = "",
        Factory = s => SaltAndPepper(s.Epsilon, s.Trials),
    };

    private RandomNoise(NoiseKind kind, float amount, Norm norm, int trials)
    {
        if (trials < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(trials), $"noise: trials {trials} must be at least 1.");
        }

        Kind = kind;
        Amount = amount;
        Norm = norm;
        Trials = trials;
    }

    /// <summary>The distribution.</summary>
    public NoiseKind Kind { get; }

    /// <summary>ε for Gaussian and uniform noise; the fraction of elements for salt-and-pepper.</summary>
    public float Amount { get; }

    /// <summary>Draws per sample.</summary>
    public int Trials { get; }

    /// <inheritdoc />
    public override string Name => Kind switch
    {
        NoiseKind.Gaussian => Norm == Norm.Linf ? "gaussian-noise-linf" : "gaussian-noise-l2",
        NoiseKind.Uniform => Norm == Norm.Linf ? "uniform-noise-linf" : "uniform-noise-l2",
        _ => "salt-and-pepper",
    };

    /// <inheritdoc />
    public override Norm Norm { get; }

    /// <summary>Gaussian noise scaled per sample to ‖δ‖ = ε in <paramref name="norm"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">ε is not positive, trials &lt; 1, or the norm is not L∞ or L2.</exception>
    public static RandomNoise Gaussian(float epsilon, Norm norm = Norm.Linf, int trials = 10) => Scaled(NoiseKind.Gaussian, epsilon, norm, trials);

    /// <summary>Uniform noise: U(−ε, ε) for L∞, or a uniform draw scaled per sample to ‖δ‖₂ = ε.</summary>
    /// <exception cref="ArgumentOutOfRangeException">ε is not positive, trials &lt; 1, or the norm is not L∞ or L2.</exception>
    public static RandomNoise Uniform(float epsilon, Norm norm = Norm.Linf, int trials = 10) => Scaled(NoiseKind.Uniform, epsilon, norm, trials);

    /// <summary>Salt-and-pepper noise on <paramref name="fraction"/> of the elements (budget in L0).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not in (0, 1], or trials &lt; 1.</exception>
    public static RandomNoise SaltAndPepper(float fraction, int trials = 10)
    {
        if (!(fraction > 0f && fraction <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), $"salt-and-pepper: fraction {fraction} must be in (0, 1].");
        }

        return new RandomNoise(NoiseKind.SaltAndPepper, fraction, Norm.L0, trials);
    }

    private static RandomNoise Scaled(NoiseKind kind, float epsilon, Norm norm, int trials)
    {
        if (!(epsilon > 0f) || !float.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), $"noise: epsilon {epsilon} must be positive and finite.");
        }

        if (norm is not (Norm.Linf or Norm.L2))
        {
            throw new ArgumentOutOfRangeException(nameof(norm), $"noise: norm {norm} is not supported; expected Linf or L2.");
        }

        return new RandomNoise(kind, epsilon, norm, trials);
    }

    /// <inheritdoc />
    protected override Tensor Generate(IClassifier classifier, Tensor x, AttackGoal goal, Rng rng) => Generate(classifier, x, goal, rng, new long[x.Dim(0)]);

    /// <inheritdoc />
    protected override Tensor Generate(IClassifier classifier, Tensor x, AttackGoal goal, Rng rng, long[] sampleQueries)
    {
        var n = x.Dim(0);
        var d = x.Size / Math.Max(n, 1);
        var k = classifier.ClassCount;
        var range = classifier.InputRange;
        var clean = x.ToArray();
        var best = (float[])clean.Clone();
        var bestMargin = new float[n];
        Array.Fill(bestMargin, float.PositiveInfinity);
        for (var trial = 0; trial < Trials; trial++)
        {
            var active = Enumerable.Range(0, n).Where(i => bestMargin[i] >= 0f).ToArray();
            if (active.Length == 0)
            {
                break;
            }

            var batch = new float[active.Length * d];
            for (var a = 0; a < active.Length; a++)
            {
                Draw(clean.AsSpan(active[a] * d, d), batch.AsSpan(a * d, d), range, rng);
            }

            var z = BlackBoxQueries.Logits(classifier, batch, active.Length);
            for (var a = 0; a < active.Length; a++)
            {
                var i = active[a];
                sampleQueries[i]++;
                var m = BlackBoxQueries.Margin(z.AsSpan(a * k, k), goal.LossLabels[i], goal.IsTargeted);
                if (m < bestMargin[i])
                {
                    bestMargin[i] = m;
                    batch.AsSpan(a * d, d).CopyTo(best.AsSpan(i * d, d));
                }
            }
        }

        return Tensor.FromArray(best, x.Shape);
    }

    private void Draw(ReadOnlySpan<float> clean, Span<float> into, InputRange range, Rng rng)
    {
        if (Kind == NoiseKind.SaltAndPepper)
        {
            clean.CopyTo(into);
            for (var j = 0; j < into.Length; j++)
            {
                if (rng.NextDouble() < Amount)
                {
                    into[j] = rng.NextDouble() < 0.5 ? range.Min : range.Max;
                }
            }

            return;
        }

        double size = 0;
        for (var j = 0; j < into.Length; j++)
        {
            var v = Kind == NoiseKind.Gaussian ? (float)rng.NextGaussian() : (float)((rng.NextDouble() * 2) - 1);
            into[j] = v;
            size = Norm == Norm.L2 ? size + ((double)v * v) : Math.Max(size, Math.Abs(v));
        }

        if (Norm == Norm.L2)
        {
            size = Math.Sqrt(size);
        }

        // Uniform L∞ is already U(−1, 1)·ε; everything else is rescaled to exactly ε.
        var scale = Kind == NoiseKind.Uniform && Norm == Norm.Linf ? Amount : (float)(Amount / Math.Max(size, 1e-12));
        for (var j = 0; j < into.Length; j++)
        {
            into[j] = Math.Clamp(clean[j] + (into[j] * scale), range.Min, range.Max);
        }
    }
}
