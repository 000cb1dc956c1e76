using BenchmarkDotNet.Attributes;
using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Benchmarks;

/// <summary>cnn-small inference on a batch of 250 and one L∞ PGD step (eps 0.1, step 0.01) with frozen parameters.</summary>
[MemoryDiagnoser]
public class PgdBenchmarks
{
    private const int Batch = 250;
    private Sequential _model = null!;
    private Tensor _x0 = null!;
    private Tensor _x = null!;
    private int[] _labels = [];

    [GlobalSetup]
    public void Setup()
    {
        _model = ModelZoo.Create("cnn-small", 1, 28, 28, 10, seed: 0);
        _model.Eval();
        _model.SetRequiresGrad(false);
        _x0 = Tensor.RandU(new Rng(7), 0f, 1f, Batch, 1, 28, 28);
        _x = _x0.Clone();
        _labels = [.. Enumerable.Range(0, Batch).Select(i => i % 10)];
    }

    [Benchmark]
    public Tensor Inference()
    {
        using (GradMode.NoGrad())
        {
            return _model.Forward(_x0);
        }
    }

    [Benchmark]
    public void PgdStep()
    {
        const float eps = 0.1f, step = 0.01f;
        // Intermediates come from the buffer pool and go back when the scope ends.
        using (TensorScope.Begin())
        {
            var xv = _x.Detach().RequireGrad();
            var loss = Losses.CrossEntropy(_model.Forward(xv), _labels);
            var g = Autodiff.Grad(loss, xv).ReadOnlySpan;
            var xd = _x.Span;
            var od = _x0.ReadOnlySpan;
            for (var i = 0; i < xd.Length; i++)
            {
                var v = xd[i] + (g[i] > 0f ? step : g[i] < 0f ? -step : 0f);
                xd[i] = Math.Clamp(Math.Clamp(v, od[i] - eps, od[i] + eps), 0f, 1f);
            }
        }
    }
}
