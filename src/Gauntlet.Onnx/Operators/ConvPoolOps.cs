using Gauntlet.Tensors;
using static Gauntlet.Onnx.Operators.KernelHelpers;

namespace Gauntlet.Onnx.Operators;

/// <summary>Convolution and pooling, 1-D (lifted to 2-D) and 2-D, plus the fused Conv → Relu → MaxPool run that OnnxFusion selects.</summary>
internal static class ConvPoolOps
{
    /// <summary>Adds this family's operators to <paramref name="registry"/>.</summary>
    public static void Register(OnnxOperatorRegistry registry)
    {
        registry.Add("Conv", (n, a, _) => [V(Conv(n, a))]);
        registry.Add("ConvTranspose", (n, a, _) => [V(ConvTranspose(n, a))]);
        // Shared by several operator types; the kernel reads node.OpType.
        OnnxKernel pool = (n, a, _) => [AsTypeOf(Pool(n, a)[0]!, Arg(n, a, 0))];
        registry.Add("MaxPool", pool);
        registry.Add("AveragePool", pool);
        registry.Add("GlobalAveragePool", (n, a, _) => [V(GlobalAveragePool(F(Arg(n, a, 0))))]);
        registry.Add("GlobalMaxPool", (n, a, _) => [V(ReductionOps.ReduceOver("ReduceMax", F(Arg(n, a, 0)), [.. Enumerable.Range(2, Arg(n, a, 0).Dims.Count - 2)], keep: true))]);
    }

    private static int[] Ints(OnnxNode n, string name, int count, int fallback)
    {
        var v = n.GetInts(name);
        return v is null || v.Length == 0 ? Enumerable.Repeat(fallback, count).ToArray() : ToInts(v);
    }

    /// <summary>Begin/end pads per spatial axis, resolving auto_pad.</summary>
    private static (int[] Begin, int[] End) ConvPads(OnnxNode n, int[] input, int[] kernel, int[] strides, int[] dilations)
    {
        var k = kernel.Length;
        var autoPad = n.GetString("auto_pad") ?? "NOTSET";
        var begin = new int[k];
        var end = new int[k];
        if (autoPad is "NOTSET" or "")
        {
            var pads = Ints(n, "pads", 2 * k, 0);
            for (var i = 0; i < k; i++)
            {
                (begin[i], end[i]) = (pads[i], pads[i + k]);
            }
        }
        else if (autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            for (var i = 0; i < k; i++)
            {
                var outSize = (input[i] + strides[i] - 1) / strides[i];
                var total = Math.Max(0, ((outSize - 1) * strides[i]) + ((kernel[i] - 1) * dilations[i]) + 1 - input[i]);
                var small = total / 2;
                (begin[i], end[i]) = autoPad == "SAME_UPPER" ? (small, total - small) : (total - small, small);
            }
        }
        else if (autoPad != "VALID")
        {
            throw new NotSupportedException($"{n.OpType}: auto_pad '{autoPad}' is not supported.");
        }

        return (begin, end);
    }

    /// <summary>Lifts a 1-D (rank 3) input to 2-D by inserting a height of 1.</summary>
    private static (Tensor X, bool Lifted) Lift(OnnxNode n, Tensor x)
    {
        if (x.Rank == 3)
        {
            return (Ops.Unsqueeze(x, 2), true);
        }

        if (x.Rank != 4)
        {
            throw new NotSupportedException($"{n.OpType}: only 1-D and 2-D spatial inputs are supported (got shape {x.Shape}).");
        }

        return (x, false);
    }

    private static int[] Lift(int[] v, int fill, bool lifted) => lifted ? [fill, .. v] : v;

    private static Tensor Conv(OnnxNode n, OnnxValue?[] a)
    {
        var (x, lifted) = Lift(n, F(Arg(n, a, 0)));
        var w = F(Arg(n, a, 1));
        if (lifted)
        {
            w = Ops.Unsqueeze(w, 2);
        }

        var b = Opt(a, 2) is { } bv ? F(bv) : null;
        var y = Ops.Conv2d(x, w, b, ConvGeometry(n, x, w, lifted));
        return lifted ? Ops.Squeeze(y, 2) : y;
    }

    /// <summary>
    /// A Conv node followed by Relu and a 2×2 stride-2 MaxPool (<see cref="OnnxFusion"/> checks the
    /// nodes) as one fused operation, with the same values and gradients; null when the input is
    /// not 2-D spatial, so the caller runs the three nodes one by one.
    /// </summary>
    internal static Tensor? ConvReluMaxPool(OnnxNode conv, OnnxValue?[] a)
    {
        var x = F(Arg(conv, a, 0));
        var w = F(Arg(conv, a, 1));
        if (x.Rank != 4 || w.Rank != 4)
        {
            return null;
        }

        var b = Opt(a, 2) is { } bv ? F(bv) : null;
        return Ops.Conv2dReluMaxPool2x2(x, w, b, ConvGeometry(conv, x, w, lifted: false));
    }

    private static Conv2dGeometry ConvGeometry(OnnxNode n, Tensor x, Tensor w, bool lifted)
    {
        var k = lifted ? 1 : 2;
        var kernel = w.Shape.ToArray()[2..];
        var strides = Lift(Ints(n, "strides", k, 1), 1, lifted);
        var dil = Lift(Ints(n, "dilations", k, 1), 1, lifted);
        var spatial = x.Shape.ToArray()[2..];
        var (pb, pe) = ConvPads(n, lifted ? spatial[1..] : spatial, lifted ? kernel[1..] : kernel, lifted ? strides[1..] : strides, lifted ? dil[1..] : dil);
        pb = Lift(pb, 0, lifted);
        pe = Lift(pe, 0, lifted);
        return new Conv2dGeometry(strides[0], strides[1], pb[0], pb[1], pe[0], pe[1], dil[0], dil[1], (int)n.GetInt("group", 1));
    }

    private static Tensor ConvTranspose(OnnxNode n, OnnxValue?[] a)
    {
        var (x, lifted) = Lift(n, F(Arg(n, a, 0)));
        var w = F(Arg(n, a, 1));
        if (lifted)
        {
            w = Ops.Unsqueeze(w, 2);
        }

        var b = Opt(a, 2) is { } bv ? F(bv) : null;
        var k = lifted ? 1 : 2;
        var kernel = w.Shape.ToArray()[2..];
        var strides = Lift(Ints(n, "strides", k, 1), 1, lifted);
        var dil = Lift(Ints(n, "dilations", k, 1), 1, lifted);
        var outPad = Lift(Ints(n, "output_padding", k, 0), 0, lifted);
        var spatial = x.Shape.ToArray()[2..];
        var pb = new int[2];
        var pe = new int[2];
        var outputShape = n.GetInts("output_shape");
        var autoPad = n.GetString("auto_pad") ?? "NOTSET";
        if (outputShape is { Length: > 0 } || autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            var target = outputShape is { Length: > 0 }
                ? Lift(ToInts(outputShape[^k..]), 1, lifted)
                : [spatial[0] * strides[0], spatial[1] * strides[1]];
            for (var i = 0; i < 2; i++)
            {
                var full = (strides[i] * (spatial[i] - 1)) + outPad[i] + ((kernel[i] - 1) * dil[i]) + 1;
                var total = full - target[i];
                if (total < 0)
                {
                    // Extra output beyond the natural size goes to output padding.
                    outPad[i] -= total;
                    total = 0;
                }

                (pb[i], pe[i]) = autoPad == "SAME_UPPER" ? (total / 2, total - (total / 2)) : (total - (total / 2), total / 2);
            }
        }
        else if (autoPad is "NOTSET" or "" or "VALID")
        {
            var pads = autoPad == "VALID" ? new int[2 * k] : Ints(n, "pads", 2 * k, 0);
            for (var i = 0; i < k; i++)
            {
                (pb[i + 2 - k], pe[i + 2 - k]) = (pads[i], pads[i + k]);
            }
        }
        else
        {
            throw new NotSupportedException($"ConvTranspose: auto_pad '{autoPad}' is not supported.");
        }

        var geo = new ConvTranspose2dGeometry(strides[0], strides[1], pb[0], pb[1], pe[0], pe[1], dil[0], dil[1], outPad[0], outPad[1], (int)n.GetInt("group", 1));
        var y = Ops.ConvTranspose2d(x, w, b, geo);
        return lifted ? Ops.Squeeze(y, 2) : y;
    }

    private static OnnxValue?[] Pool(OnnxNode n, OnnxValue?[] a)
    {
        if (n.Outputs.Count(o => o.Length > 0) > 1)
        {
            throw new NotSupportedException("MaxPool: the Indices output is not supported.");
        }

        var (x, lifted) = Lift(n, F(Arg(n, a, 0)));
        var kernelAttr = n.GetInts("kernel_shape") ?? throw new ArgumentException($"{n.OpType}: kernel_shape is required.");
        var k = kernelAttr.Length;
        var kernel = Lift(ToInts(kernelAttr), 1, lifted);
        var strides = Lift(Ints(n, "strides", k, 1), 1, lifted);
        var dil = Lift(Ints(n, "dilations", k, 1), 1, lifted);
        var spatial = x.Shape.ToArray()[2..];
        var ceil = n.GetInt("ceil_mode", 0) != 0;
        var (pb, pe) = ConvPads(n, lifted ? spatial[1..] : spatial, lifted ? kernel[1..] : kernel, lifted ? strides[1..] : strides, lifted ? dil[1..] : dil);
        pb = Lift(pb, 0, lifted);
        pe = Lift(pe, 0, lifted);
        var geo = new Pool2dGeometry(kernel[0], kernel[1], strides[0], strides[1], pb[0], pb[1], pe[0], pe[1], dil[0], dil[1], ceil, n.GetInt("count_include_pad", 0) != 0);
        var y = n.OpType == "MaxPool" ? Ops.MaxPool2d(x, geo) : Ops.AvgPool2d(x, geo);
        return [V(lifted ? Ops.Squeeze(y, 2) : y)];
    }

    private static Tensor GlobalAveragePool(Tensor x)
    {
        var axes = Enumerable.Range(2, x.Rank - 2).ToArray();
        return Ops.Mean(x, axes, keepDims: true);
    }
}
