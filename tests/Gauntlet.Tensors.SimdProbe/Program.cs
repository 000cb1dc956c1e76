using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Kernels;

// Runs fixed GEMM and convolution cases and writes the GEMM kernel name and every result to the
// file named by args[0]: the SIMD-width tests run this with DOTNET_EnableAVX512F=0 / DOTNET_EnableAVX2=0
// and compare against the default path.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: Gauntlet.Tensors.SimdProbe <output file>");
    return 2;
}

using var writer = new BinaryWriter(File.Create(args[0]));
writer.Write(Gemm.KernelName);
var rng = new Rng(12345);
(int M, int N, int K)[] sizes = [(1, 1, 1), (7, 9, 13), (33, 65, 17), (70, 31, 129), (130, 200, 300)];
foreach (var (m, n, k) in sizes)
{
    foreach (var transA in new[] { false, true })
    {
        foreach (var transB in new[] { false, true })
        {
            var a = Tensor.RandN(rng, m * k).ToArray();
            var b = Tensor.RandN(rng, k * n).ToArray();
            var c = Tensor.RandN(rng, m * n).ToArray();
            Gemm.Multiply(transA, transB, m, n, k, 0.9f, a, transA ? m : k, b, transB ? k : n, 0.5f, c, n);
            Write(writer, c);
        }
    }
}

var x = Tensor.RandN(rng, 4, 3, 11, 11).RequireGrad();
var w = Tensor.RandN(rng, 8, 3, 3, 3).RequireGrad();
var bias = Tensor.RandN(rng, 8);
var y = Ops.Conv2d(x, w, bias, new Conv2dGeometry(PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1));
Write(writer, y.ToArray());
var grads = Autodiff.Grad(Ops.Sum(Ops.Multiply(y, y)), [x, w]);
Write(writer, grads[0].ToArray());
Write(writer, grads[1].ToArray());

// Fused convolution + ReLU + 2×2 max-pool (its pooling epilogue has an AVX2 path), every gradient
// and the input-only backward.
var pooled = Ops.Conv2dReluMaxPool2x2(x, w, bias, new Conv2dGeometry(PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1));
Write(writer, pooled.ToArray());
var fusedGrads = Autodiff.Grad(Ops.Sum(Ops.Multiply(pooled, pooled)), [x, w]);
Write(writer, fusedGrads[0].ToArray());
Write(writer, fusedGrads[1].ToArray());
var frozen = Ops.Conv2dReluMaxPool2x2(x, w.Detach(), bias, new Conv2dGeometry(PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1));
Write(writer, Autodiff.Grad(Ops.Sum(Ops.Multiply(frozen, frozen)), x).ToArray());

// Unpadded, unit-stride convolutions large enough for the implicit GEMM (cnn-small's second
// convolution with fewer channels): plain, fused with winning positions, and fused values only.
var x2 = Tensor.RandN(rng, 3, 8, 13, 13).RequireGrad();
var w2 = Tensor.RandN(rng, 16, 8, 3, 3).RequireGrad();
var bias2 = Tensor.RandN(rng, 16);
var plain = Ops.Conv2d(x2, w2, bias2, new Conv2dGeometry());
Write(writer, plain.ToArray());
var pooled2 = Ops.Conv2dReluMaxPool2x2(x2, w2, bias2, new Conv2dGeometry());
Write(writer, pooled2.ToArray());
Write(writer, Autodiff.Grad(Ops.Sum(Ops.Multiply(pooled2, pooled2)), x2).ToArray());
// Single-channel direct convolution fused with pooling, values only (registers-only with AVX-512).
var x3 = Tensor.RandN(rng, 2, 1, 20, 21);
var w3 = Tensor.RandN(rng, 8, 1, 3, 3);
var bias3 = Tensor.RandN(rng, 8);

// A batch large enough for the blocked-samples path at every width (NR = 32, 16 or 4 samples).
var x4 = Tensor.RandN(rng, 70, 8, 13, 13);
using (GradMode.NoGrad())
{
    Write(writer, Ops.Conv2dReluMaxPool2x2(x2, w2, bias2, new Conv2dGeometry()).ToArray());
    Write(writer, Ops.Conv2dReluMaxPool2x2(x3, w3, bias3, new Conv2dGeometry()).ToArray());
    Write(writer, Ops.Conv2dReluMaxPool2x2(x4, w2, bias2, new Conv2dGeometry()).ToArray());
}

// The same two with winners tracked (input gradients through frozen weights, as in attacks).
foreach (var (input, weight, b) in new[] { (x3, w3, bias3), (x4, w2.Detach(), bias2) })
{
    var tracked = input.Detach().RequireGrad();
    var result = Ops.Conv2dReluMaxPool2x2(tracked, weight, b, new Conv2dGeometry());
    Write(writer, result.ToArray());
    Write(writer, Autodiff.Grad(Ops.Sum(Ops.Multiply(result, result)), tracked).ToArray());
}

return 0;

static void Write(BinaryWriter writer, float[] values)
{
    writer.Write(values.Length);
    foreach (var v in values)
    {
        writer.Write(v);
    }
}
