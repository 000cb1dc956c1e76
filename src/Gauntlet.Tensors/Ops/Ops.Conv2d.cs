using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Kernels;

namespace Gauntlet.Tensors;

public static partial class Ops
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as in PyTorch and ONNX) over NCHW input, with stride,
    /// asymmetric zero padding, dilation and channel groups (<c>groups = Cin = Cout</c> is depthwise).
    /// </summary>
    /// <param name="x">Input <c>[N, Cin, H, W]</c>.</param>
    /// <param name="weight">Weights <c>[Cout, Cin/groups, kH, kW]</c>.</param>
    /// <param name="bias">Optional bias <c>[Cout]</c>.</param>
    /// <param name="geometry">Stride, padding, dilation and groups.</param>
    /// <returns>Output <c>[N, Cout, Ho, Wo]</c>.</returns>
    /// <remarks>
    /// With <c>G = groups</c>, <c>Cg = Cin/G</c> and <c>g = ⌊co / (Cout/G)⌋</c>:
    /// <code>
    /// y[n, co, i, j] = bias[co] + Σ_{c &lt; Cg, p &lt; kH, q &lt; kW} w[co, c, p, q] · x[n, g·Cg + c, i·sH − padTop + p·dH, j·sW − padLeft + q·dW]
    /// Ho = ⌊(H + padTop + padBottom − dH·(kH − 1) − 1) / sH⌋ + 1     (Wo likewise)
    /// </code>
    /// where <c>x</c> is zero outside the input. Computed as im2col + GEMM per (sample, group),
    /// parallel over the batch. The backward computes ∂x (col2im of <c>Wᵀ·∂y</c>), ∂w
    /// (<c>∂y·im2colᵀ</c> summed over samples in a fixed order) and ∂bias only where they are needed.
    /// </remarks>
    /// <exception cref="TensorShapeException">
    /// <paramref name="x"/> or <paramref name="weight"/> is not rank 4, <paramref name="bias"/> is not
    /// <c>[Cout]</c>, the channels do not match (<c>Cin ≠ weight[1]·groups</c>, or groups do not divide
    /// Cin or Cout), a kernel dimension is 0, or the dilated kernel is larger than the padded input.
    /// </exception>
    /// <exception cref="ArgumentException">A stride, dilation or group count is not positive, or a padding is negative.</exception>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, Conv2dGeometry geometry)
    {
        var d = Conv2dDims("Conv2d", x.Shape, weight.Shape, bias?.Shape, geometry);
        var y = Tensor.AllocUninit(new Shape(d.N, d.Cout, d.OH, d.OW));
        Conv2dKernels.Forward(x.Data, weight.Data, bias?.Data, d, y.Data);
        Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        return Autodiff.Record(y, "Conv2d", inputs, (g, needs) =>
        {
            var blocks = needs[1] ? Conv2dKernels.WeightBlocks(d.N) : 0;
            var dx = needs[0] ? Tensor.BufferUninit(x.Size) : null;
            var partials = Conv2dKernels.Backward(x.Data, weight.Data, g.Data, d, dx, blocks);
            var grads = new Tensor?[inputs.Length];
            if (dx is not null)
            {
                grads[0] = new Tensor(dx, x.Shape);
            }

            if (partials is not null)
            {
                grads[1] = new Tensor(Conv2dKernels.SumPartials(partials, blocks, d.WeightSize), weight.Shape);
            }

            if (bias is not null && needs[2])
            {
                grads[2] = new Tensor(Conv2dKernels.BiasGrad(g.Data, d.N, d.Cout, d.P, perSample: false), bias.Shape);
            }

            return grads;
        });
    }

    /// <summary>
    /// <c>MaxPool2d(Relu(Conv2d(x, weight, bias)), 2×2, stride 2)</c> in one pass, with the same
    /// values and gradients as the three operations in turn (first maximum of each window, ReLU'(0) = 0),
    /// but without materialising the convolution or ReLU outputs: each sample's convolution output
    /// stays in cache and only the pooled result is written. <see cref="Nn.Sequential"/> uses it for
    /// a <c>Conv2d, Relu, MaxPool2d(2)</c> run of layers.
    /// </summary>
    /// <param name="x">Input <c>[N, Cin, H, W]</c>.</param>
    /// <param name="weight">Weights <c>[Cout, Cin/groups, kH, kW]</c>.</param>
    /// <param name="bias">Optional bias <c>[Cout]</c>.</param>
    /// <param name="geometry">The convolution's stride, padding, dilation and groups.</param>
    /// <returns>Output <c>[N, Cout, ⌊Ho/2⌋, ⌊Wo/2⌋]</c> where <c>Ho, Wo</c> are the convolution's output sizes.</returns>
    /// <exception cref="TensorShapeException">As for <see cref="Conv2d"/>, or the convolution output is smaller than 2×2.</exception>
    /// <exception cref="ArgumentException">As for <see cref="Conv2d"/>.</exception>
    public static Tensor Conv2dReluMaxPool2x2(Tensor x, Tensor weight, Tensor? bias, Conv2dGeometry geometry)
    {
        const string op = "Conv2dReluMaxPool2x2";
        var d = Conv2dDims(op, x.Shape, weight.Shape, bias?.Shape, geometry);
        if (d.OH < 2 || d.OW < 2)
        {
            throw new TensorShapeException(op, $"the convolution output is {d.OH}×{d.OW} (input {x.Shape}, weight {weight.Shape}); a 2×2 pooling window needs at least 2×2.");
        }

        var y = Tensor.AllocUninit(new Shape(d.N, d.Cout, d.OH / 2, d.OW / 2));
        Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        var tracked = GradMode.IsEnabled && Array.Exists(inputs, t => t.RequiresGrad);
        var argmax = tracked ? TensorScope.RentInts(y.Size) : null;
        ConvReluPoolKernels.Forward(x.Data, weight.Data, bias?.Data, d, y.Data, argmax);
        if (!tracked)
        {
            return y;
        }

        return Autodiff.Record(y, op, inputs, (g, needs) =>
        {
            var grads = new Tensor?[inputs.Length];
            var needWeights = needs[1] || (bias is not null && needs[2]);
            if (!needWeights)
            {
                // Input gradient only (attacks): the convolution-output gradient stays per sample in cache.
                var dxOnly = Tensor.BufferUninit(x.Size);
                ConvReluPoolKernels.BackwardData(weight.Data, g.Data, argmax!, d, dxOnly);
                grads[0] = new Tensor(dxOnly, x.Shape);
                return grads;
            }

            var dConv = Tensor.BufferUninit(d.N * d.OutSample);
            ConvReluPoolKernels.ScatterAll(g.Data, argmax!, d, dConv);
            var blocks = needs[1] ? Conv2dKernels.WeightBlocks(d.N) : 0;
            var dx = needs[0] ? Tensor.BufferUninit(x.Size) : null;
            var partials = Conv2dKernels.Backward(x.Data, weight.Data, dConv, d, dx, blocks);
            if (dx is not null)
            {
                grads[0] = new Tensor(dx, x.Shape);
            }

            if (partials is not null)
            {
                grads[1] = new Tensor(Conv2dKernels.SumPartials(partials, blocks, d.WeightSize), weight.Shape);
            }

            if (bias is not null && needs[2])
            {
                grads[2] = new Tensor(Conv2dKernels.BiasGrad(dConv, d.N, d.Cout, d.P, perSample: false), bias.Shape);
            }

            return grads;
        });
    }

    /// <summary>
    /// Validates a convolution's shapes and geometry and resolves its sizes; every failure names
    /// <paramref name="op"/>, the shapes received and what was expected.
    /// </summary>
    internal static ConvDims Conv2dDims(string op, Shape x, Shape weight, Shape? bias, Conv2dGeometry g)
    {
        ValidateConvScalars(op, g.StrideH, g.StrideW, g.DilationH, g.DilationW, g.Groups, g.PadTop, g.PadLeft, g.PadBottom, g.PadRight);
        if (x.Rank != 4)
        {
            throw new TensorShapeException(op, $"input has shape {x}; expected rank 4 [N, Cin, H, W].");
        }

        if (weight.Rank != 4)
        {
            throw new TensorShapeException(op, $"weight has shape {weight}; expected rank 4 [Cout, Cin/groups, kH, kW] (input {x}).");
        }

        int n = x[0], cin = x[1], h = x[2], w = x[3];
        int cout = weight[0], cinG = weight[1], kh = weight[2], kw = weight[3];
        var groups = g.Groups;
        if (cin % groups != 0 || cout % groups != 0)
        {
            throw new TensorShapeException(op, $"groups = {groups} must divide both the input channels and the output channels; got input {x} (Cin = {cin}) and weight {weight} (Cout = {cout}).");
        }

        if (cinG * groups != cin)
        {
            throw new TensorShapeException(op, $"input {x} has Cin = {cin} channels but weight {weight} with groups = {groups} expects Cin = weight[1] · groups = {cinG * groups}.");
        }

        if (kh <= 0 || kw <= 0 || cout <= 0)
        {
            throw new TensorShapeException(op, $"weight {weight} has a zero output-channel or kernel dimension; expected Cout ≥ 1 and kH, kW ≥ 1 (input {x}).");
        }

        if (bias is { } b && (b.Rank != 1 || b[0] != cout))
        {
            throw new TensorShapeException(op, $"bias has shape {b}; expected [{cout}] (Cout of weight {weight}).");
        }

        var oh = ConvOutputSize(op, "height", h, g.PadTop, g.PadBottom, kh, g.StrideH, g.DilationH, x, weight);
        var ow = ConvOutputSize(op, "width", w, g.PadLeft, g.PadRight, kw, g.StrideW, g.DilationW, x, weight);
        _ = checked(n * cin * h * w);
        _ = checked(n * cout * oh * ow);
        _ = checked(cinG * kh * kw * oh * ow);
        return new ConvDims(n, cin, h, w, cout, kh, kw, oh, ow, g.StrideH, g.StrideW, g.PadTop, g.PadLeft, g.DilationH, g.DilationW, groups);
    }

    private static void ValidateConvScalars(string op, int strideH, int strideW, int dilationH, int dilationW, int groups, int padTop, int padLeft, int padBottom, int padRight)
    {
        if (strideH <= 0 || strideW <= 0)
        {
            var hint = strideH == 0 && strideW == 0 && dilationH == 0 ? " The geometry looks zero-initialised (default or new() without arguments); create it with Symmetric(...) or named arguments." : string.Empty;
            throw new ArgumentException($"{op}: stride ({strideH}, {strideW}) must be positive.{hint}", nameof(strideH));
        }

        if (dilationH <= 0 || dilationW <= 0)
        {
            throw new ArgumentException($"{op}: dilation ({dilationH}, {dilationW}) must be positive.", nameof(dilationH));
        }

        if (groups <= 0)
        {
            throw new ArgumentException($"{op}: groups = {groups} must be positive.", nameof(groups));
        }

        if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0)
        {
            throw new ArgumentException($"{op}: padding (top {padTop}, left {padLeft}, bottom {padBottom}, right {padRight}) must be non-negative.", nameof(padTop));
        }
    }

    private static int ConvOutputSize(string op, string axis, int size, int padBefore, int padAfter, int kernel, int stride, int dilation, Shape x, Shape weight)
    {
        var effective = ((long)dilation * (kernel - 1)) + 1;
        var padded = (long)size + padBefore + padAfter;
        if (effective > padded)
        {
            throw new TensorShapeException(op, $"the dilated kernel {axis} {effective} (kernel {kernel}, dilation {dilation}) is larger than the padded input {axis} {padded} (input {x}, weight {weight}, padding {padBefore} + {padAfter}); expected a kernel that fits.");
        }

        return checked((int)(((padded - effective) / stride) + 1));
    }
}
