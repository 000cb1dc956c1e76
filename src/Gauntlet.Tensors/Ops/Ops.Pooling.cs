using System.Numerics.Tensors;
using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Kernels;

namespace Gauntlet.Tensors;

public static partial class Ops
{
    /// <summary>
    /// 2-D max pooling over NCHW input with stride, asymmetric padding (acting as −∞), dilation and
    /// ceil mode.
    /// </summary>
    /// <param name="x">Input <c>[N, C, H, W]</c>.</param>
    /// <param name="geometry">Window, stride, padding, dilation and ceil mode (<see cref="Pool2dGeometry.CountIncludePad"/> is ignored).</param>
    /// <returns>Output <c>[N, C, Ho, Wo]</c>.</returns>
    /// <remarks>
    /// <code>
    /// y[n, c, i, j] = max_{p &lt; kH, q &lt; kW} x[n, c, i·sH − padTop + p·dH, j·sW − padLeft + q·dW]   (taps outside the input skipped)
    /// Ho = ⌊(H + padTop + padBottom − dH·(kH − 1) − 1 + (ceil ? sH − 1 : 0)) / sH⌋ + 1
    /// </code>
    /// In ceil mode the last window is dropped when it would start at or beyond <c>H + padTop</c>
    /// (it must start inside the input or the leading padding), as in PyTorch. The gradient goes to the
    /// <em>first</em> maximal element of each window in row-major window order, as PyTorch does (ties
    /// matter for FGSM). A NaN in a window propagates to the output.
    /// </remarks>
    /// <exception cref="TensorShapeException"><paramref name="x"/> is not rank 4, or the dilated window is larger than the padded input.</exception>
    /// <exception cref="ArgumentException">A kernel size, stride or dilation is not positive, or a padding is negative or not smaller than the dilated window.</exception>
    public static Tensor MaxPool2d(Tensor x, Pool2dGeometry geometry)
    {
        var d = ResolvePool2d("MaxPool2d", x.Shape, geometry);
        var y = new Tensor(Tensor.BufferUninit(d.Planes * d.OutPlane), new Shape(x.Dim(0), x.Dim(1), d.OH, d.OW));
        var tracked = GradMode.IsEnabled && x.RequiresGrad;
        var argmax = tracked ? TensorScope.RentInts(y.Size) : null;
        Pool2dKernels.MaxForward(x.Data, d, y.Data, argmax);
        if (!tracked)
        {
            return y;
        }

        return Autodiff.Record(y, "MaxPool2d", [x], (g, _) =>
        {
            var dx = Tensor.BufferUninit(x.Size);
            Pool2dKernels.MaxBackward(g.Data, argmax!, d, dx);
            return [new Tensor(dx, x.Shape)];
        });
    }

    /// <summary>
    /// 2-D average pooling over NCHW input with stride, asymmetric zero padding and ceil mode;
    /// <see cref="Pool2dGeometry.CountIncludePad"/> chooses the divisor exactly as PyTorch does.
    /// </summary>
    /// <param name="x">Input <c>[N, C, H, W]</c>.</param>
    /// <param name="geometry">Window, stride, padding, ceil mode and divisor rule (dilation must be 1).</param>
    /// <returns>Output <c>[N, C, Ho, Wo]</c>, sizes as in <see cref="MaxPool2d"/>.</returns>
    /// <remarks>
    /// For output (i, j) let the window be rows <c>[h0, h0 + kH)</c>, <c>h0 = i·sH − padTop</c>, first
    /// clipped to the padded input <c>[−padTop, H + padBottom)</c> (this matters only for ceil-mode
    /// windows that overhang), then to the input <c>[0, H)</c> (columns likewise). The output is the sum
    /// over the input part divided by the size of the padded-clipped window when
    /// <c>CountIncludePad</c>, otherwise by the number of input elements in it. The gradient spreads
    /// <c>∂y / divisor</c> over the input part of each window.
    /// </remarks>
    /// <exception cref="TensorShapeException"><paramref name="x"/> is not rank 4, or the window is larger than the padded input.</exception>
    /// <exception cref="ArgumentException">A kernel size or stride is not positive, dilation is not 1, or a padding is negative or not smaller than the window.</exception>
    public static Tensor AvgPool2d(Tensor x, Pool2dGeometry geometry)
    {
        if (geometry.DilationH != 1 || geometry.DilationW != 1)
        {
            throw new ArgumentException($"AvgPool2d: dilation ({geometry.DilationH}, {geometry.DilationW}) is not supported; expected (1, 1) (input {x.Shape}).", nameof(geometry));
        }

        var d = ResolvePool2d("AvgPool2d", x.Shape, geometry);
        var y = new Tensor(Tensor.Buffer(d.Planes * d.OutPlane), new Shape(x.Dim(0), x.Dim(1), d.OH, d.OW));
        Pool2dKernels.AvgForward(x.Data, d, y.Data);
        return Autodiff.Record(y, "AvgPool2d", [x], (g, _) =>
        {
            var dx = Tensor.Buffer(x.Size);
            Pool2dKernels.AvgBackward(g.Data, d, dx);
            return [new Tensor(dx, x.Shape)];
        });
    }

    /// <summary>Mean over the spatial dimensions: <c>[N, C, H, W] → [N, C, 1, 1]</c>.</summary>
    /// <param name="x">Input <c>[N, C, H, W]</c> with <c>H·W ≥ 1</c>.</param>
    /// <remarks><c>y[n, c] = (1 / (H·W)) Σ_{i, j} x[n, c, i, j]</c>; the gradient is <c>∂y[n, c] / (H·W)</c> everywhere.</remarks>
    /// <exception cref="TensorShapeException"><paramref name="x"/> is not rank 4 or has an empty plane.</exception>
    public static Tensor GlobalAvgPool2d(Tensor x)
    {
        if (x.Rank != 4 || x.Dim(2) * x.Dim(3) == 0)
        {
            throw new TensorShapeException("GlobalAvgPool2d", $"input has shape {x.Shape}; expected rank 4 [N, C, H, W] with H, W ≥ 1.");
        }

        int planes = x.Dim(0) * x.Dim(1), area = x.Dim(2) * x.Dim(3);
        var y = new Tensor(Tensor.Buffer(planes), new Shape(x.Dim(0), x.Dim(1), 1, 1));
        for (var p = 0; p < planes; p++)
        {
            y.Data[p] = TensorPrimitives.Sum(x.Data.AsSpan(p * area, area)) / area;
        }

        return Autodiff.Record(y, "GlobalAvgPool2d", [x], (g, _) =>
        {
            var dx = Tensor.Buffer(x.Size);
            for (var p = 0; p < planes; p++)
            {
                dx.AsSpan(p * area, area).Fill(g.Data[p] / area);
            }

            return [new Tensor(dx, x.Shape)];
        });
    }

    /// <summary>
    /// Adaptive average pooling to a fixed output size, as in PyTorch: output row <c>i</c> averages
    /// input rows <c>[⌊i·H/outH⌋, ⌈(i+1)·H/outH⌉)</c>, and columns likewise.
    /// </summary>
    /// <param name="x">Input <c>[N, C, H, W]</c> with <c>H, W ≥ 1</c>.</param>
    /// <param name="outH">Output height (≥ 1).</param>
    /// <param name="outW">Output width (≥ 1).</param>
    /// <returns>Output <c>[N, C, outH, outW]</c>.</returns>
    /// <exception cref="TensorShapeException"><paramref name="x"/> is not rank 4 or has an empty plane.</exception>
    /// <exception cref="ArgumentException"><paramref name="outH"/> or <paramref name="outW"/> is not positive.</exception>
    public static Tensor AdaptiveAvgPool2d(Tensor x, int outH, int outW)
    {
        if (outH <= 0 || outW <= 0)
        {
            throw new ArgumentException($"AdaptiveAvgPool2d: output size ({outH}, {outW}) must be positive (input {x.Shape}).", nameof(outH));
        }

        if (x.Rank != 4 || x.Dim(2) * x.Dim(3) == 0)
        {
            throw new TensorShapeException("AdaptiveAvgPool2d", $"input has shape {x.Shape}; expected rank 4 [N, C, H, W] with H, W ≥ 1.");
        }

        int planes = x.Dim(0) * x.Dim(1), h = x.Dim(2), w = x.Dim(3);
        var y = new Tensor(Tensor.Buffer(checked(planes * outH * outW)), new Shape(x.Dim(0), x.Dim(1), outH, outW));
        Pool2dKernels.Adaptive(x.Data, planes, h, w, outH, outW, y.Data, backward: false);
        return Autodiff.Record(y, "AdaptiveAvgPool2d", [x], (g, _) =>
        {
            var dx = Tensor.Buffer(x.Size);
            Pool2dKernels.Adaptive(g.Data, planes, h, w, outH, outW, dx, backward: true);
            return [new Tensor(dx, x.Shape)];
        });
    }

    private static PoolDims ResolvePool2d(string op, Shape x, Pool2dGeometry g)
    {
        if (g.KernelH <= 0 || g.KernelW <= 0)
        {
            throw new ArgumentException($"{op}: kernel size ({g.KernelH}, {g.KernelW}) must be positive (input {x}).", nameof(g));
        }

        if (g.StrideH <= 0 || g.StrideW <= 0)
        {
            throw new ArgumentException($"{op}: stride ({g.StrideH}, {g.StrideW}) must be positive (input {x}).", nameof(g));
        }

        if (g.DilationH <= 0 || g.DilationW <= 0)
        {
            throw new ArgumentException($"{op}: dilation ({g.DilationH}, {g.DilationW}) must be positive (input {x}).", nameof(g));
        }

        var effH = (g.DilationH * (g.KernelH - 1)) + 1;
        var effW = (g.DilationW * (g.KernelW - 1)) + 1;
        if (g.PadTop < 0 || g.PadLeft < 0 || g.PadBottom < 0 || g.PadRight < 0
            || g.PadTop >= effH || g.PadBottom >= effH || g.PadLeft >= effW || g.PadRight >= effW)
        {
            throw new ArgumentException($"{op}: padding (top {g.PadTop}, left {g.PadLeft}, bottom {g.PadBottom}, right {g.PadRight}) must be non-negative and smaller than the dilated window ({effH}, {effW}) (input {x}).", nameof(g));
        }

        if (x.Rank != 4)
        {
            throw new TensorShapeException(op, $"input has shape {x}; expected rank 4 [N, C, H, W].");
        }

        var oh = PoolOutputSize(op, "height", x, x[2], g.PadTop, g.PadBottom, effH, g.StrideH, g.CeilMode);
        var ow = PoolOutputSize(op, "width", x, x[3], g.PadLeft, g.PadRight, effW, g.StrideW, g.CeilMode);
        _ = checked(x[0] * x[1] * oh * ow);
        return new PoolDims(x[0] * x[1], x[2], x[3], oh, ow, g.KernelH, g.KernelW, g.StrideH, g.StrideW, g.PadTop, g.PadLeft, g.PadBottom, g.PadRight, g.DilationH, g.DilationW, g.CountIncludePad);
    }

    private static int PoolOutputSize(string op, string axis, Shape x, int size, int padBefore, int padAfter, int effective, int stride, bool ceil)
    {
        var span = size + padBefore + padAfter - effective;
        if (span < 0)
        {
            throw new TensorShapeException(op, $"the window {axis} {effective} is larger than the padded input {axis} {size + padBefore + padAfter} (input {x}, padding {padBefore} + {padAfter}); expected a window that fits.");
        }

        var outSize = ((ceil ? span + stride - 1 : span) / stride) + 1;
        if (ceil && (outSize - 1) * stride >= size + padBefore)
        {
            outSize--;
        }

        return outSize;
    }
}
