using BenchmarkDotNet.Attributes;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Benchmarks;

/// <summary>The two convolutions of cnn-small on a batch of 250: forward, fused with ReLU and pooling, and backward (input and weight gradients).</summary>
[MemoryDiagnoser]
public class ConvBenchmarks
{
    private Tensor _x = null!;
    private Tensor _w = null!;
    private Tensor _b = null!;

    /// <summary>"conv1": 1→32 on 28×28; "conv2": 32→64 on 13×13.</summary>
    [Params("conv1", "conv2")]
    public string Layer { get; set; } = "conv1";

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(1);
        var (cin, cout, size) = Layer == "conv1" ? (1, 32, 28) : (32, 64, 13);
        _x = Tensor.RandN(rng, 250, cin, size, size);
        _w = Tensor.RandN(rng, cout, cin, 3, 3);
        _b = Tensor.RandN(rng, cout);
    }

    [Benchmark]
    public Tensor Forward()
    {
        using (GradMode.NoGrad())
        {
            return Ops.Conv2d(_x, _w, _b, new Conv2dGeometry());
        }
    }

    /// <summary>
    /// Convolution + ReLU + 2×2 max-pool as one operation, values only, in a <see cref="TensorScope"/>
    /// (pooled output storage, as inference runs): cnn-small's inference path. Returns one element so
    /// the result is consumed before the scope takes its storage back.
    /// </summary>
    [Benchmark]
    public float FusedReluPoolForwardScoped()
    {
        using (GradMode.NoGrad())
        using (TensorScope.Begin())
        {
            return Ops.Conv2dReluMaxPool2x2(_x, _w, _b, new Conv2dGeometry()).ReadOnlySpan[0];
        }
    }

    [Benchmark]
    public Tensor[] BackwardDataAndWeights()
    {
        var x = _x.Detach().RequireGrad();
        var w = _w.Detach().RequireGrad();
        var y = Ops.Conv2d(x, w, _b, new Conv2dGeometry());
        return Autodiff.Grad(Ops.Sum(y), [x, w]);
    }
}
