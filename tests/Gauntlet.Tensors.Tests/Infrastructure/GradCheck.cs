using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Tensors.Tests.Infrastructure;

/// <summary>
/// Finite-difference gradient checks. The scalar probed is <c>L = Σ w · f(x)</c> with fixed random
/// weights <c>w</c>, so one check covers the whole vector-Jacobian product. L is accumulated in
/// double; central differences <c>(L(x+h) − L(x−h)) / 2h</c> are compared with the analytic
/// gradient from one backward pass.
/// </summary>
internal static class GradCheck
{
    /// <summary>Default step: large enough that float32 rounding of f stays well below the slope signal.</summary>
    public const double DefaultStep = 1e-2;

    /// <summary>
    /// Checks ∂L/∂inputs[i] for every input that is marked <see cref="Tensor.RequiresGrad"/>.
    /// At most <paramref name="maxProbes"/> elements per input are probed (chosen by seed).
    /// </summary>
    public static void Check(
        Func<Tensor[], Tensor> f,
        Tensor[] inputs,
        int seed = 1234,
        double step = DefaultStep,
        double relTol = 2e-2,
        double absTol = 2e-3,
        int maxProbes = 48)
    {
        var rng = new Rng(seed);
        var output = f(inputs);
        var w = Tensor.RandN(rng, output.Shape.ToArray());
        var wanted = inputs.Where(t => t.RequiresGrad).ToArray();
        Assert.NotEmpty(wanted);
        Assert.True(output.RequiresGrad, "the output must depend on an input that requires a gradient");
        var analytic = Autodiff.Grad(output, wanted, w);

        // Scale the absolute tolerance by the typical gradient magnitude so large-valued ops are fair.
        for (var wi = 0; wi < wanted.Length; wi++)
        {
            var x = wanted[wi];
            var grad = analytic[wi];
            Assert.Equal(x.Shape, grad.Shape);
            var probes = x.Size <= maxProbes ? Enumerable.Range(0, x.Size).ToArray() : rng.Permutation(x.Size)[..maxProbes];
            var scale = Math.Max(1.0, grad.ReadOnlySpan.ToArray().Select(v => Math.Abs((double)v)).DefaultIfEmpty(0).Max());
            foreach (var j in probes)
            {
                var original = x.Span[j];
                x.Span[j] = (float)(original + step);
                var plus = Loss(f, inputs, w);
                x.Span[j] = (float)(original - step);
                var minus = Loss(f, inputs, w);
                x.Span[j] = original;
                var numeric = (plus - minus) / (2 * step);
                var a = (double)grad.Span[j];
                var tol = (absTol * scale) + (relTol * Math.Max(Math.Abs(a), Math.Abs(numeric)));
                Assert.True(
                    Math.Abs(a - numeric) <= tol,
                    $"input {wi} element {j}: analytic {a:G6} vs numeric {numeric:G6} (|diff| {Math.Abs(a - numeric):G3} > tol {tol:G3}), shape {x.Shape}");
            }
        }
    }

    private static double Loss(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor w)
    {
        using var scope = GradMode.NoGrad();
        var y = f(inputs);
        double sum = 0;
        for (var i = 0; i < y.Size; i++)
        {
            sum += (double)y.Span[i] * w.Span[i];
        }

        return sum;
    }

    /// <summary>A random input that requires a gradient, values from N(0,1) · <paramref name="scale"/> + <paramref name="shift"/>.</summary>
    public static Tensor Input(Rng rng, int[] shape, float scale = 1f, float shift = 0f)
    {
        var t = Tensor.RandN(rng, shape);
        for (var i = 0; i < t.Size; i++)
        {
            t.Span[i] = (t.Span[i] * scale) + shift;
        }

        t.RequiresGrad = true;
        return t;
    }

    /// <summary>Random shapes of the given rank with odd sizes and size-1 dimensions mixed in.</summary>
    public static IEnumerable<int[]> Shapes(Rng rng, int rank, int count)
    {
        for (var c = 0; c < count; c++)
        {
            var dims = new int[rank];
            for (var d = 0; d < rank; d++)
            {
                dims[d] = rng.NextInt(4) == 0 ? 1 : 1 + rng.NextInt(5);
            }

            yield return dims;
        }
    }
}
