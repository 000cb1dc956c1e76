using System.Numerics.Tensors;
using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Kernels;

namespace Gauntlet.Tensors;

public static partial class Ops
{
    /// <summary>
    /// 2-D transposed convolution (the adjoint of <see cref="Conv2d"/> with respect to its input,
    /// sometimes called deconvolution) over NCHW input, with stride, asymmetric padding, dilation,
    /// output padding and channel groups.
    /// </summary>
    /// <param name="x">Input <c>[N, Cin, H, W]</c>.</param>
    /// <param name="weight">Weights <c>[Cin, Cout/groups, kH, kW]</c>.</param>
    /// <param name="bias">Optional bias <c>[Cout]</c>.</param>
    /// <param name="geometry">Stride, padding, dilation, output padding and groups.</param>
    /// <returns>Output <c>[N, Cout, Ho, Wo]</c>.</returns>
    /// <remarks>
    /// With <c>Cg = Cin/groups</c>, <c>Cog = Cout/groups</c>, each input element scatters into the output:
    /// <code>
    /// y[n, g·Cog + o, i·sH − padTop + p·dH, j·sW − padLeft + q·dW] += x[n, g·Cg + c, i, j] · w[g·Cg + c, o, p, q]
    /// Ho = (H − 1)·sH − padTop − padBottom + dH·(kH − 1) + outputPaddingH + 1     (Wo likewise)
    /// </code>
    /// keeping only positions inside <c>[0, Ho) × [0, Wo)</c>, then <c>bias[co]</c> is added. Computed
    /// as GEMM + col2im per (sample, group); the backward reuses the convolution kernels (∂x is a
    /// convolution of ∂y with the same weights).
    /// </remarks>
    /// <exception cref="TensorShapeException">
    /// <paramref name="x"/> or <paramref name="weight"/> is not rank 4, <c>weight[0] ≠ Cin</c>, groups do
    /// not divide Cin, <paramref name="bias"/> is not <c>[Cout]</c>, a kernel dimension is 0, or the
    /// output would be empty.
    /// </exception>
    /// <exception cref="ArgumentException">
    /// A stride, dilation or group count is not positive, a padding is negative, or an output padding
    /// is negative or not smaller than the stride or the dilation of its axis.
    /// </exception>
    public static Tensor ConvTranspose2d(Tensor x, Tensor weight, Tensor? bias, ConvTranspose2dGeometry geometry)
    {
        var d = ConvTranspose2dDims("ConvTranspose2d", x.Shape, weight.Shape, bias?.Shape, geometry);

        // d describes the convolution this op is the adjoint of: its input is our output.
        var y = new Tensor(Tensor.Buffer(d.N * d.InSample), new Shape(d.N, d.Cin, d.H, d.W));
        Conv2dKernels.Backward(null, weight.Data, x.Data, d, y.Data, weightBlocks: 0);
        if (bias is not null)
        {
            for (var n = 0; n < d.N; n++)
            {
                for (var c = 0; c < d.Cin; c++)
                {
                    var plane = y.Data.AsSpan(((n * d.Cin) + c) * d.InPlane, d.InPlane);
                    TensorPrimitives.Add(plane, bias.Data[c], plane);
                }
            }
        }

        Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        return Autodiff.Record(y, "ConvTranspose2d", inputs, (g, needs) =>
        {
            var grads = new Tensor?[inputs.Length];
            if (needs[0])
            {
                var dx = Tensor.Buffer(x.Size);
                Conv2dKernels.Forward(g.Data, weight.Data, null, d, dx);
                grads[0] = new Tensor(dx, x.Shape);
            }

            if (needs[1])
            {
                var blocks = Conv2dKernels.WeightBlocks(d.N);
                var partials = Conv2dKernels.Backward(g.Data, null, x.Data, d, null, blocks)!;
                grads[1] = new Tensor(Conv2dKernels.SumPartials(partials, blocks, d.WeightSize), weight.Shape);
            }

            if (bias is not null && needs[2])
            {
                grads[2] = new Tensor(Conv2dKernels.BiasGrad(g.Data, d.N, d.Cin, d.InPlane, perSample: false), bias.Shape);
            }

            return grads;
        });
    }

    /// <summary>
    /// Validates a transposed convolution and returns the sizes of the convolution it is the
    /// adjoint of (whose input is the transposed convolution's output).
    /// </summary>
    internal static ConvDims ConvTranspose2dDims(string op, Shape x, Shape weight, Shape? bias, ConvTranspose2dGeometry g)
    {
        ValidateConvScalars(op, g.StrideH, g.StrideW, g.DilationH, g.DilationW, g.Groups, g.PadTop, g.PadLeft, g.PadBottom, g.PadRight);
        if (g.OutputPaddingH < 0 || g.OutputPaddingW < 0
            || (g.OutputPaddingH >= g.StrideH && g.OutputPaddingH >= g.DilationH)
            || (g.OutputPaddingW >= g.StrideW && g.OutputPaddingW >= g.DilationW))
        {
            throw new ArgumentException($"{op}: output padding ({g.OutputPaddingH}, {g.OutputPaddingW}) must be non-negative and smaller than the stride ({g.StrideH}, {g.StrideW}) or the dilation ({g.DilationH}, {g.DilationW}) of its axis.", nameof(g));
        }

        if (x.Rank != 4)
        {
            throw new TensorShapeException(op, $"input has shape {x}; expected rank 4 [N, Cin, H, W].");
        }

        if (weight.Rank != 4)
        {
            throw new TensorShapeException(op, $"weight has shape {weight}; expected rank 4 [Cin, Cout/groups, kH, kW] (input {x}).");
        }

        int n = x[0], cin = x[1], h = x[2], w = x[3];
        int coutG = weight[1], kh = weight[2], kw = weight[3];
        var groups = g.Groups;
        if (weight[0] != cin)
        {
            throw new TensorShapeException(op, $"input {x} has Cin = {cin} channels but weight {weight} has {weight[0]} input channels; expected weight[0] = Cin.");
        }

        if (cin % groups != 0)
        {
            throw new TensorShapeException(op, $"groups = {groups} must divide the input channels; got input {x} (Cin = {cin}) and weight {weight}.");
        }

        if (kh <= 0 || kw <= 0 || coutG <= 0)
        {
            throw new TensorShapeException(op, $"weight {weight} has a zero output-channel or kernel dimension; expected Cout/groups ≥ 1 and kH, kW ≥ 1 (input {x}).");
        }

        var cout = coutG * groups;
        if (bias is { } b && (b.Rank != 1 || b[0] != cout))
        {
            throw new TensorShapeException(op, $"bias has shape {b}; expected [{cout}] (Cout = weight[1] · groups for weight {weight}, groups = {groups}).");
        }

        var oh = ((long)(h - 1) * g.StrideH) - g.PadTop - g.PadBottom + ((long)g.DilationH * (kh - 1)) + g.OutputPaddingH + 1;
        var ow = ((long)(w - 1) * g.StrideW) - g.PadLeft - g.PadRight + ((long)g.DilationW * (kw - 1)) + g.OutputPaddingW + 1;
        if (h <= 0 || w <= 0 || oh <= 0 || ow <= 0)
        {
            throw new TensorShapeException(op, $"input {x} with weight {weight} and padding (top {g.PadTop}, left {g.PadLeft}, bottom {g.PadBottom}, right {g.PadRight}) gives an output of {oh} × {ow}; expected a non-empty input and output (reduce the padding).");
        }

        _ = checked(n * cin * h * w);
        _ = checked(n * cout * (int)oh * (int)ow);
        _ = checked(coutG * kh * kw * h * w);
        return new ConvDims(n, cout, (int)oh, (int)ow, cin, kh, kw, h, w, g.StrideH, g.StrideW, g.PadTop, g.PadLeft, g.DilationH, g.DilationW, groups);
    }
}
