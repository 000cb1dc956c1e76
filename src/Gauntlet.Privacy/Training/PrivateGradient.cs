using System.Numerics.Tensors;
using Gauntlet.Tensors;
using Tensor = Gauntlet.Tensors.Tensor;

namespace Gauntlet.Privacy.Training;

/// <summary>
/// The private part of a DP-SGD step: per-sample clipping, summing and Gaussian noise, on the
/// per-sample gradients of <see cref="Gauntlet.Tensors.Nn.PerSampleGradientMode"/>.
/// </summary>
public static class PrivateGradient
{
    // Opacus's guard against a zero norm: factor = min(1, C/(‖g‖ + 1e-6)).
    private const double NormGuard = 1e-6;

    /// <summary>
    /// The factor each sample's gradient is multiplied by, per parameter: <c>factors[p][n]</c>.
    /// </summary>
    /// <remarks>
    /// Flat: <c>min(1, C/(‖g_n‖ + 1e-6))</c> with ‖g_n‖ over every parameter, the same for all p.
    /// Per-layer: <c>min(1, C_p/(‖g_{n,p}‖ + 1e-6))</c> with <c>C_p = C/√K</c> for K parameters.
    /// Either way the clipped sample's whole gradient has norm at most C.
    /// </remarks>
    /// <param name="perSample">Parameter name → per-sample gradients <c>[N, ...]</c>, as <see cref="Gauntlet.Tensors.Nn.PerSampleGradientMode.Compute"/> returns them.</param>
    /// <param name="names">The parameters, in the order of the result.</param>
    /// <param name="maxGradNorm">C.</param>
    /// <param name="mode">Flat or per-layer.</param>
    /// <exception cref="ArgumentException">A name has no per-sample gradient, or the sample counts differ.</exception>
    public static double[][] ClipFactors(IReadOnlyDictionary<string, Tensor> perSample, IReadOnlyList<string> names, double maxGradNorm, ClippingMode mode)
    {
        var squared = names.Select(name => SquaredNorms(Gradient(perSample, name))).ToArray();
        var n = squared.Length == 0 ? 0 : squared[0].Length;
        if (squared.Any(s => s.Length != n))
        {
            throw new ArgumentException("per-sample gradients of different sample counts.", nameof(perSample));
        }

        if (mode == ClippingMode.PerLayer)
        {
            var bound = maxGradNorm / Math.Sqrt(names.Count);
            return [.. squared.Select(s => s.Select(v => Math.Min(1, bound / (Math.Sqrt(v) + NormGuard))).ToArray())];
        }

        var flat = new double[n];
        for (var i = 0; i < n; i++)
        {
            var total = squared.Sum(s => s[i]);
            flat[i] = Math.Min(1, maxGradNorm / (Math.Sqrt(total) + NormGuard));
        }

        return [.. names.Select(_ => flat)];
    }

    /// <summary><c>Σ_n factors[p][n]·g_{n,p}</c> for every parameter p, shaped like the parameter.</summary>
    /// <exception cref="ArgumentException">A name has no per-sample gradient.</exception>
    public static float[][] ClippedSum(IReadOnlyDictionary<string, Tensor> perSample, IReadOnlyList<string> names, double[][] factors)
    {
        var sums = new float[names.Count][];
        for (var p = 0; p < names.Count; p++)
        {
            var g = Gradient(perSample, names[p]);
            var n = g.Dim(0);
            var size = n == 0 ? 0 : g.Size / n;
            var sum = new float[size];
            var rows = g.ReadOnlySpan;
            for (var i = 0; i < n; i++)
            {
                TensorPrimitives.MultiplyAdd(rows.Slice(i * size, size), (float)factors[p][i], sum, sum);
            }

            sums[p] = sum;
        }

        return sums;
    }

    /// <summary>Adds independent Gaussian noise of std <c>σ·C</c> to every coordinate, in place.</summary>
    /// <remarks>
    /// The noise comes from Gauntlet's seeded <see cref="Rng"/> (reproducible runs), not a
    /// cryptographically secure generator; a deployment that must resist attacks on the floating-point
    /// noise itself (Mironov 2012) needs a secure sampler, as Opacus's <c>secure_mode</c>.
    /// </remarks>
    public static void AddNoise(Span<float> gradient, double noiseMultiplier, double maxGradNorm, Rng rng)
    {
        var std = noiseMultiplier * maxGradNorm;
        for (var i = 0; i < gradient.Length; i++)
        {
            gradient[i] += (float)(std * rng.NextGaussian());
        }
    }

    private static Tensor Gradient(IReadOnlyDictionary<string, Tensor> perSample, string name) =>
        perSample.TryGetValue(name, out var g) ? g : throw new ArgumentException($"no per-sample gradient for parameter '{name}'.", nameof(perSample));

    private static double[] SquaredNorms(Tensor g)
    {
        var n = g.Dim(0);
        var size = n == 0 ? 0 : g.Size / n;
        var rows = g.ReadOnlySpan;
        var result = new double[n];
        for (var i = 0; i < n; i++)
        {
            var row = rows.Slice(i * size, size);
            result[i] = TensorPrimitives.Dot(row, row);
        }

        return result;
    }
}
