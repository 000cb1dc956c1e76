using Gauntlet.Tensors;
using static Gauntlet.Onnx.Operators.KernelHelpers;

namespace Gauntlet.Onnx.Operators;

/// <summary>Resampling: Resize and the older Upsample.</summary>
internal static class ResizeOps
{
    /// <summary>Adds this family's operators to <paramref name="registry"/>.</summary>
    public static void Register(OnnxOperatorRegistry registry)
    {
        // Shared by several operator types; the kernel reads node.OpType.
        OnnxKernel resize = (n, a, opset) => [Resize(n, a, opset)];
        registry.Add("Resize", resize);
        registry.Add("Upsample", resize);
    }

    /// <summary>Resize/Upsample, nearest and (multi)linear modes, as separable per-axis index selections.</summary>
    private static OnnxValue Resize(OnnxNode n, OnnxValue?[] a, long opset)
    {
        var x = Arg(n, a, 0);
        var dims = x.ShapeArray;
        var rank = dims.Length;
        var mode = n.GetString("mode") ?? "nearest";
        var legacy = n.OpType == "Upsample" || opset < 11;
        var transform = legacy ? "asymmetric" : n.GetString("coordinate_transformation_mode") ?? "half_pixel";
        var nearestMode = legacy ? "floor" : n.GetString("nearest_mode") ?? "round_prefer_floor";
        if (mode is not ("nearest" or "linear" or "bilinear") || n.GetInt("antialias", 0) != 0 ||
            transform is not ("half_pixel" or "pytorch_half_pixel" or "align_corners" or "asymmetric") ||
            (n.GetString("keep_aspect_ratio_policy") ?? "stretch") != "stretch")
        {
            throw new NotSupportedException($"{n.OpType}: mode '{mode}' with coordinate_transformation_mode '{transform}' (or antialias/aspect policy) is not supported.");
        }

        var axes = n.GetInts("axes") is { Length: > 0 } ax ? ax.Select(v => (int)(v < 0 ? v + rank : v)).ToArray() : Enumerable.Range(0, rank).ToArray();
        var scales = new double[rank];
        var sizes = (int[])dims.Clone();
        Array.Fill(scales, 1.0);
        float[]? scaleInput = n.OpType == "Upsample" && opset < 9 ? n.Attributes.TryGetValue("scales", out var sa) ? [.. sa.Floats] : null
            : (legacy ? Opt(a, 1) : Opt(a, 2)) is { Size: > 0 } sv ? F(sv).ToArray() : null;
        var sizeInput = legacy ? null : Opt(a, 3) is { Size: > 0 } zv ? I(zv) : null;
        if (sizeInput is not null)
        {
            for (var i = 0; i < axes.Length; i++)
            {
                sizes[axes[i]] = (int)sizeInput[i];
                scales[axes[i]] = sizes[axes[i]] / (double)dims[axes[i]];
            }
        }
        else if (scaleInput is not null)
        {
            for (var i = 0; i < axes.Length; i++)
            {
                scales[axes[i]] = scaleInput[i];
                sizes[axes[i]] = (int)Math.Floor(dims[axes[i]] * (double)scaleInput[i]);
            }
        }
        else
        {
            throw new ArgumentException($"{n.OpType}: neither scales nor sizes is given.");
        }

        var value = x;
        for (var axis = 0; axis < rank; axis++)
        {
            var (inSize, outSize, scale) = (dims[axis], sizes[axis], scales[axis]);
            if (inSize == outSize && scale == 1.0)
            {
                continue;
            }

            var coords = new double[outSize];
            for (var i = 0; i < outSize; i++)
            {
                coords[i] = transform switch
                {
                    "half_pixel" => ((i + 0.5) / scale) - 0.5,
                    "pytorch_half_pixel" => outSize > 1 ? ((i + 0.5) / scale) - 0.5 : 0,
                    "align_corners" => outSize == 1 ? 0 : i * (inSize - 1) / ((inSize * scale) - 1),
                    _ => i / scale,
                };
            }

            if (mode == "nearest")
            {
                var idx = coords.Select(c => Math.Clamp(nearestMode switch
                {
                    "floor" => (int)Math.Floor(c),
                    "ceil" => (int)Math.Ceiling(c),
                    "round_prefer_ceil" => (int)Math.Floor(c + 0.5),
                    _ => c == Math.Floor(c) + 0.5 ? (int)Math.Floor(c) : (int)Math.Round(c),
                }, 0, inSize - 1)).ToArray();
                value = Select(value, axis, idx);
                continue;
            }

            if (!value.IsFloat)
            {
                throw new NotSupportedException($"{n.OpType}: linear mode on integer input is not supported.");
            }

            var lo = new int[outSize];
            var hi = new int[outSize];
            var wHi = new float[outSize];
            for (var i = 0; i < outSize; i++)
            {
                var c = Math.Clamp(coords[i], 0, inSize - 1);
                lo[i] = (int)Math.Floor(c);
                hi[i] = Math.Min(lo[i] + 1, inSize - 1);
                wHi[i] = (float)(c - lo[i]);
            }

            int[] wShape = [.. Enumerable.Range(0, rank).Select(d => d == axis ? outSize : 1)];
            var w1 = Tensor.FromArray(wHi, wShape);
            var w0 = Tensor.FromArray([.. wHi.Select(v => 1f - v)], wShape);
            var t = Ops.Add(Ops.Multiply(Select(value, axis, lo).Float!, w0), Ops.Multiply(Select(value, axis, hi).Float!, w1));
            value = V(t, value.DataType);
        }

        return value;
    }
}
