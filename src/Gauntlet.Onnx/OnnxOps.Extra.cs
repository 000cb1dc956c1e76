using Gauntlet.Tensors;

namespace Gauntlet.Onnx;

/// <summary>Further ONNX operators built from the engine's differentiable primitives.</summary>
internal static partial class OnnxOps
{
    private static OnnxValue?[] ExecuteExtra(OnnxNode n, OnnxValue?[] a, long opset) => n.OpType switch
    {
        "Reciprocal" => [V(Ops.Divide(Tensor.Scalar(1f), F(Arg(n, a, 0))), Arg(n, a, 0).DataType)],
        "Floor" => [V(Ops.Map(F(Arg(n, a, 0)), MathF.Floor), Arg(n, a, 0).DataType)],
        "Ceil" => [V(Ops.Map(F(Arg(n, a, 0)), MathF.Ceiling), Arg(n, a, 0).DataType)],
        "Round" => [V(Ops.Map(F(Arg(n, a, 0)), v => MathF.Round(v, MidpointRounding.ToEven)), Arg(n, a, 0).DataType)],
        "IsNaN" => [Predicate(Arg(n, a, 0), float.IsNaN)],
        "IsInf" => [IsInf(n, Arg(n, a, 0))],
        "Mod" => [Mod(n, Arg(n, a, 0), Arg(n, a, 1))],
        "And" => [IntBinary(Arg(n, a, 0), Arg(n, a, 1), OnnxDataType.Bool, (p, q) => p != 0 && q != 0 ? 1 : 0)],
        "Or" => [IntBinary(Arg(n, a, 0), Arg(n, a, 1), OnnxDataType.Bool, (p, q) => p != 0 || q != 0 ? 1 : 0)],
        "Xor" => [IntBinary(Arg(n, a, 0), Arg(n, a, 1), OnnxDataType.Bool, (p, q) => (p != 0) ^ (q != 0) ? 1 : 0)],
        "Size" => [OnnxValue.FromInts([Arg(n, a, 0).Size], [])],
        "CastLike" => [CastTo(Arg(n, a, 0), Arg(n, a, 1).DataType)],
        "Split" => Split(n, a, opset),
        "Tile" => [Tile(Arg(n, a, 0), I(Arg(n, a, 1)))],
        "Mean" => [V(Ops.Multiply(F(Variadic(n, a, (x, y) => V(Ops.Add(F(x), F(y))))), 1f / a.Count(v => v is not null)), Arg(n, a, 0).DataType)],
        "PRelu" => [V(PRelu(F(Arg(n, a, 0)), F(Arg(n, a, 1)), opset))],
        "Elu" => [V(Elu(F(Arg(n, a, 0)), n.GetFloat("alpha", 1f)))],
        "Selu" => [V(Ops.Multiply(Elu(F(Arg(n, a, 0)), n.GetFloat("alpha", 1.67326319217681884765625f)), n.GetFloat("gamma", 1.05070102214813232421875f)))],
        "Celu" => [V(Celu(F(Arg(n, a, 0)), n.GetFloat("alpha", 1f)))],
        "Softplus" => [V(Softplus(F(Arg(n, a, 0))))],
        "Softsign" => [V(Ops.Divide(F(Arg(n, a, 0)), Ops.Add(Ops.Abs(F(Arg(n, a, 0))), 1f)))],
        "ThresholdedRelu" => [V(ThresholdedRelu(F(Arg(n, a, 0)), n.GetFloat("alpha", 1f)))],
        "ArgMin" => [ArgMax(n, Ops.Negate(F(Arg(n, a, 0))))],
        "GlobalMaxPool" => [V(ReduceOver("ReduceMax", F(Arg(n, a, 0)), [.. Enumerable.Range(2, Arg(n, a, 0).Dims.Count - 2)], keep: true))],
        "InstanceNormalization" => [V(InstanceNorm(F(Arg(n, a, 0)), F(Arg(n, a, 1)), F(Arg(n, a, 2)), n.GetFloat("epsilon", 1e-5f)))],
        "Trilu" => [Trilu(n, a)],
        "GatherElements" => [GatherElements(n, Arg(n, a, 0), Arg(n, a, 1))],
        "DepthToSpace" or "SpaceToDepth" => [SpaceDepth(n, Arg(n, a, 0))],
        "Hardmax" => [Hardmax(n, F(Arg(n, a, 0)), opset)],
        "CumSum" => [CumSum(n, Arg(n, a, 0), Arg(n, a, 1))],
        "EyeLike" => [EyeLike(n, Arg(n, a, 0))],
        "OneHot" => [OneHot(n, Arg(n, a, 0), Arg(n, a, 1), Arg(n, a, 2))],
        "Compress" => [Compress(n, Arg(n, a, 0), Arg(n, a, 1))],
        "NegativeLogLikelihoodLoss" => [V(Nll(n, F(Arg(n, a, 0)), Arg(n, a, 1), Opt(a, 2)), Arg(n, a, 0).DataType)],
        "SoftmaxCrossEntropyLoss" => SoftmaxCrossEntropy(n, a),
        "Resize" or "Upsample" => [Resize(n, a, opset)],
        _ => throw new NotSupportedException($"ONNX: operator {n.OpType} is not supported."),
    };

    /// <summary>NegativeLogLikelihoodLoss on log-probabilities [N, C, d...] and targets [N, d...].</summary>
    private static Tensor Nll(OnnxNode n, Tensor logProb, OnnxValue targetValue, OnnxValue? weightValue)
    {
        var target = I(targetValue);
        var c = logProb.Dim(1);
        var ignore = n.Attributes.ContainsKey("ignore_index") ? n.GetInt("ignore_index", 0) : (long?)null;
        var weight = weightValue is null ? null : F(weightValue).ToArray();
        var safe = new long[target.Length];
        var w = new float[target.Length];
        for (var i = 0; i < target.Length; i++)
        {
            var ignored = ignore == target[i];
            if (!ignored && (target[i] < 0 || target[i] >= c))
            {
                throw new ArgumentException($"NegativeLogLikelihoodLoss: target {target[i]} is out of range for {c} classes.");
            }

            safe[i] = ignored ? 0 : target[i];
            w[i] = ignored ? 0f : weight is null ? 1f : weight[target[i]];
        }

        int[] tshape = [.. targetValue.Dims];
        int[] unsq = [tshape[0], 1, .. tshape[1..]];
        var picked = F(GatherElements(new OnnxNode { OpType = "GatherElements", Attributes = new Dictionary<string, OnnxAttribute> { ["axis"] = new() { Name = "axis", Type = OnnxAttributeType.Int, Int = 1 } } }, OnnxValue.FromTensor(logProb), OnnxValue.FromInts(safe, unsq)));
        var weights = Tensor.FromArray(w, tshape);
        var loss = Ops.Multiply(Ops.Negate(Ops.Reshape(picked, tshape)), weights);
        return (n.GetString("reduction") ?? "mean") switch
        {
            "none" => loss,
            "sum" => Ops.Sum(loss),
            _ => Ops.Divide(Ops.Sum(loss), Tensor.Scalar(w.Sum())),
        };
    }

    private static OnnxValue?[] SoftmaxCrossEntropy(OnnxNode n, OnnxValue?[] a)
    {
        var scores = F(Arg(n, a, 0));
        var logProb = Ops.LogSoftmax(scores, 1);
        var loss = Nll(n, logProb, Arg(n, a, 1), Opt(a, 2));
        return [V(loss, Arg(n, a, 0).DataType), V(logProb, Arg(n, a, 0).DataType)];
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

    private static OnnxValue Trilu(OnnxNode n, OnnxValue?[] a)
    {
        var x = Arg(n, a, 0);
        var k = Opt(a, 1) is { } kv ? I(kv)[0] : 0;
        var upper = n.GetInt("upper", 1) != 0;
        var dims = x.ShapeArray;
        var (rows, cols) = (dims[^2], dims[^1]);
        var mask = new long[x.Size];
        for (var i = 0; i < mask.Length; i++)
        {
            var (r, c) = ((i / cols) % rows, i % cols);
            mask[i] = (upper ? c - r >= k : c - r <= k) ? 1 : 0;
        }

        if (x.IsFloat)
        {
            var m = Tensor.FromArray([.. mask.Select(v => (float)v)], dims);
            return V(Ops.Where(m, x.Float!, Tensor.Scalar(0f)), x.DataType);
        }

        return OnnxValue.FromInts([.. x.Ints!.Select((v, i) => mask[i] != 0 ? v : 0)], dims, x.DataType);
    }

    private static OnnxValue GatherElements(OnnxNode n, OnnxValue data, OnnxValue indices)
    {
        var dims = data.ShapeArray;
        var idxShape = indices.ShapeArray;
        var axis = (int)n.GetInt("axis", 0);
        axis = axis < 0 ? axis + dims.Length : axis;
        var idx = I(indices);
        var dataStrides = new Shape(dims).Strides();
        var idxStrides = new Shape(idxShape).Strides();
        var flat = new int[idx.Length];
        for (var i = 0; i < idx.Length; i++)
        {
            var offset = 0;
            var rem = i;
            for (var d = 0; d < idxShape.Length; d++)
            {
                var coord = rem / idxStrides[d];
                rem %= idxStrides[d];
                if (d == axis)
                {
                    var v = idx[i] < 0 ? idx[i] + dims[axis] : idx[i];
                    if (v < 0 || v >= dims[axis])
                    {
                        throw new ArgumentException($"GatherElements: index {idx[i]} is out of range for axis {axis} of size {dims[axis]}.");
                    }

                    coord = (int)v;
                }

                offset += coord * dataStrides[d];
            }

            flat[i] = offset;
        }

        if (data.IsFloat)
        {
            var column = Ops.Reshape(data.Float!, data.Size, 1);
            var gathered = Ops.Gather(column, flat, new Shape(flat.Length));
            return V(Ops.Reshape(gathered, idxShape), data.DataType);
        }

        return OnnxValue.FromInts([.. flat.Select(f => data.Ints![f])], idxShape, data.DataType);
    }

    private static OnnxValue SpaceDepth(OnnxNode n, OnnxValue value)
    {
        var x = F(value);
        var b = (int)n.GetInt("blocksize", 1);
        var (batch, c, h, w) = (x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3));
        Tensor y;
        if (n.OpType == "SpaceToDepth")
        {
            y = Ops.Reshape(Ops.Permute(Ops.Reshape(x, batch, c, h / b, b, w / b, b), 0, 3, 5, 1, 2, 4), batch, c * b * b, h / b, w / b);
        }
        else if (n.GetString("mode") == "CRD")
        {
            y = Ops.Reshape(Ops.Permute(Ops.Reshape(x, batch, c / (b * b), b, b, h, w), 0, 1, 4, 2, 5, 3), batch, c / (b * b), h * b, w * b);
        }
        else
        {
            y = Ops.Reshape(Ops.Permute(Ops.Reshape(x, batch, b, b, c / (b * b), h, w), 0, 3, 4, 1, 5, 2), batch, c / (b * b), h * b, w * b);
        }

        return AsTypeOf(V(y, value.DataType), value);
    }

    private static OnnxValue Hardmax(OnnxNode n, Tensor x, long opset)
    {
        var dims = x.Shape.ToArray();
        Tensor view;
        int axis;
        if (opset < 13)
        {
            var ax = Shape.NormalizeAxis((int)n.GetInt("axis", 1), x.Rank, "Hardmax");
            view = Ops.Reshape(x, dims[..ax].Aggregate(1, (p, d) => p * d), dims[ax..].Aggregate(1, (p, d) => p * d));
            axis = 1;
        }
        else
        {
            view = x;
            axis = Shape.NormalizeAxis((int)n.GetInt("axis", -1), x.Rank, "Hardmax");
        }

        var vd = view.Shape.ToArray();
        var (outer, dim, inner) = (vd[..axis].Aggregate(1, (p, d) => p * d), vd[axis], vd[(axis + 1)..].Aggregate(1, (p, d) => p * d));
        var arg = Ops.ArgMax(view, axis);
        var r = new float[view.Size];
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                r[(((o * dim) + arg[(o * inner) + i]) * inner) + i] = 1f;
            }
        }

        return V(Tensor.FromArray(r, dims));
    }

    private static OnnxValue CumSum(OnnxNode n, OnnxValue value, OnnxValue axisValue)
    {
        var x = F(value);
        var axis = Shape.NormalizeAxis((int)I(axisValue)[0], x.Rank, "CumSum");
        var exclusive = n.GetInt("exclusive", 0) != 0;
        var reverse = n.GetInt("reverse", 0) != 0;
        var d = x.Dim(axis);
        var m = new float[d * d];
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < d; j++)
            {
                var include = reverse ? (exclusive ? i > j : i >= j) : (exclusive ? i < j : i <= j);
                m[(i * d) + j] = include ? 1f : 0f;
            }
        }

        var last = x.Rank - 1;
        var moved = axis == last ? x : Ops.Transpose(x, axis, last);
        var summed = Ops.MatMul(moved, Tensor.FromArray(m, d, d));
        var y = axis == last ? summed : Ops.Transpose(summed, axis, last);
        return AsTypeOf(V(y, value.DataType), value);
    }

    private static OnnxValue EyeLike(OnnxNode n, OnnxValue x)
    {
        var dims = x.ShapeArray;
        var k = n.GetInt("k", 0);
        var type = n.Attributes.ContainsKey("dtype") ? (OnnxDataType)n.GetInt("dtype", 1) : x.DataType;
        var r = new long[dims[0] * dims[1]];
        for (var i = 0; i < dims[0]; i++)
        {
            var j = i + k;
            if (j >= 0 && j < dims[1])
            {
                r[(i * dims[1]) + j] = 1;
            }
        }

        var ints = OnnxValue.FromInts(r, dims, type is OnnxDataType.Float or OnnxDataType.Double ? OnnxDataType.Int64 : type);
        return type is OnnxDataType.Float or OnnxDataType.Double ? V(F(ints), type) : ints;
    }

    private static OnnxValue OneHot(OnnxNode n, OnnxValue indices, OnnxValue depthValue, OnnxValue values)
    {
        var depth = (int)F(depthValue).ToArray()[0];
        var idx = I(indices);
        var dims = indices.ShapeArray;
        var rank = dims.Length + 1;
        var axis = (int)n.GetInt("axis", -1);
        axis = axis < 0 ? axis + rank : axis;
        int[] shape = [.. dims[..axis], depth, .. dims[axis..]];
        var inner = dims[axis..].Aggregate(1, (p, d) => p * d);
        var onOff = new long[2];
        var onOffF = values.IsFloat ? values.Float!.ToArray() : null;
        var hot = new bool[idx.Length * depth];
        for (var i = 0; i < idx.Length; i++)
        {
            var v = idx[i] < 0 ? idx[i] + depth : idx[i];
            if (v >= 0 && v < depth)
            {
                var (o, rest) = (i / inner, i % inner);
                hot[(((o * depth) + (int)v) * inner) + rest] = true;
            }
        }

        if (onOffF is not null)
        {
            return V(Tensor.FromArray([.. hot.Select(h => h ? onOffF[1] : onOffF[0])], shape), values.DataType);
        }

        onOff = values.Ints!;
        return OnnxValue.FromInts([.. hot.Select(h => h ? onOff[1] : onOff[0])], shape, values.DataType);
    }

    private static OnnxValue Compress(OnnxNode n, OnnxValue x, OnnxValue condition)
    {
        var cond = I(condition);
        var value = x;
        int axis;
        if (n.Attributes.ContainsKey("axis"))
        {
            axis = (int)n.GetInt("axis", 0);
            axis = axis < 0 ? axis + x.Dims.Count : axis;
        }
        else
        {
            value = ReshapeValue(x, [x.Size]);
            axis = 0;
        }

        var keep = Enumerable.Range(0, Math.Min(cond.Length, value.ShapeArray[axis])).Where(i => cond[i] != 0).ToArray();
        return Select(value, axis, keep);
    }

    /// <summary>A reduction over <paramref name="axes"/> (sorted, non-empty).</summary>
    private static Tensor ReduceOver(string op, Tensor x, int[] axes, bool keep)
    {
        Tensor y;
        switch (op)
        {
            case "ReduceSum": return Ops.Sum(x, axes, keep);
            case "ReduceMean": return Ops.Mean(x, axes, keep);
            case "ReduceL1": return Ops.Sum(Ops.Abs(x), axes, keep);
            case "ReduceL2": return Ops.Sqrt(Ops.Sum(Ops.Multiply(x, x), axes, keep));
            case "ReduceSumSquare": return Ops.Sum(Ops.Multiply(x, x), axes, keep);
            case "ReduceLogSum": return Ops.Log(Ops.Sum(x, axes, keep));
            case "ReduceMin": return Ops.Negate(ReduceOver("ReduceMax", Ops.Negate(x), axes, keep));
            case "ReduceLogSumExp":
                y = x;
                foreach (var ax in axes.OrderDescending())
                {
                    y = Ops.LogSumExp(y, ax, keepDims: true);
                }

                break;
            default:
                y = x;
                foreach (var ax in axes.OrderDescending())
                {
                    y = Ops.Max(y, ax, keepDims: true);
                }

                break;
        }

        return keep ? y : Ops.Reshape(y, [.. x.Shape.ToArray().Where((_, i) => !axes.Contains(i))]);
    }

    private static OnnxValue Predicate(OnnxValue x, Func<float, bool> p) =>
        OnnxValue.FromInts([.. F(x).ToArray().Select(v => p(v) ? 1L : 0L)], x.ShapeArray, OnnxDataType.Bool);

    private static OnnxValue IsInf(OnnxNode n, OnnxValue x)
    {
        var neg = n.GetInt("detect_negative", 1) != 0;
        var pos = n.GetInt("detect_positive", 1) != 0;
        return Predicate(x, v => (pos && float.IsPositiveInfinity(v)) || (neg && float.IsNegativeInfinity(v)));
    }

    private static OnnxValue Mod(OnnxNode n, OnnxValue x, OnnxValue y)
    {
        var fmod = n.GetInt("fmod", 0) != 0;
        if (!x.IsFloat && !y.IsFloat)
        {
            return IntBinary(x, y, x.DataType, (p, q) =>
            {
                if (q == 0)
                {
                    return 0;
                }

                var r = p % q;
                return !fmod && r != 0 && ((r < 0) != (q < 0)) ? r + q : r;
            });
        }

        var (pa, qa) = (F(x).ToArray(), F(y).ToArray());
        var shape = BroadcastShape(x.ShapeArray, y.ShapeArray, "Mod");
        var (mx, my) = (BroadcastIndex(x.ShapeArray, shape), BroadcastIndex(y.ShapeArray, shape));
        var r = new float[mx.Length];
        for (var i = 0; i < r.Length; i++)
        {
            var (p, q) = (pa[mx[i]], qa[my[i]]);
            var m = p % q;
            r[i] = !fmod && m != 0 && ((m < 0) != (q < 0)) ? m + q : m;
        }

        return V(Tensor.FromArray(r, shape), FloatType(x, y));
    }

    private static OnnxValue CastTo(OnnxValue x, OnnxDataType to)
    {
        var node = new OnnxNode
        {
            OpType = "Cast",
            Attributes = new Dictionary<string, OnnxAttribute> { ["to"] = new() { Name = "to", Type = OnnxAttributeType.Int, Int = (long)to } },
        };
        return Cast(node, x);
    }

    private static OnnxValue?[] Split(OnnxNode n, OnnxValue?[] a, long opset)
    {
        var x = Arg(n, a, 0);
        var dims = x.ShapeArray;
        var axis = (int)n.GetInt("axis", 0);
        axis = axis < 0 ? axis + dims.Length : axis;
        var count = n.Outputs.Count;
        long[]? sizes = opset >= 13 ? (Opt(a, 1) is { } sv ? I(sv) : null) : n.GetInts("split");
        if (sizes is null || sizes.Length == 0)
        {
            var parts = (int)n.GetInt("num_outputs", count);
            var chunk = (dims[axis] + parts - 1) / parts;
            sizes = [.. Enumerable.Range(0, parts).Select(i => (long)Math.Max(0, Math.Min(chunk, dims[axis] - (i * chunk))))];
        }

        var result = new OnnxValue?[sizes.Length];
        var start = 0;
        for (var i = 0; i < sizes.Length; i++)
        {
            result[i] = Select(x, axis, [.. Enumerable.Range(start, (int)sizes[i])]);
            start += (int)sizes[i];
        }

        return result;
    }

    private static OnnxValue Tile(OnnxValue x, long[] repeats)
    {
        var value = x;
        for (var axis = 0; axis < repeats.Length; axis++)
        {
            if (repeats[axis] == 1)
            {
                continue;
            }

            var d = value.ShapeArray[axis];
            value = Select(value, axis, [.. Enumerable.Range(0, (int)repeats[axis] * d).Select(i => i % d)]);
        }

        return value;
    }

    private static Tensor PRelu(Tensor x, Tensor slope, long opset)
    {
        if (opset < 7 && slope.Rank == 1 && x.Rank >= 2 && slope.Size == x.Dim(1) && slope.Size != 1)
        {
            // Before opset 7 a per-channel slope broadcasts along axis 1.
            slope = Ops.Reshape(slope, [slope.Size, .. Enumerable.Repeat(1, x.Rank - 2)]);
        }

        var negative = Ops.Map(x, v => v < 0 ? 1f : 0f);
        return Ops.Where(negative, Ops.Multiply(x, slope), x);
    }

    private static Tensor Elu(Tensor x, float alpha)
    {
        var positive = Ops.Map(x, v => v > 0 ? 1f : 0f);
        var negativePart = Ops.Multiply(Ops.Add(Ops.Exp(Ops.Minimum(x, Tensor.Scalar(0f))), -1f), alpha);
        return Ops.Where(positive, x, negativePart);
    }

    private static Tensor Celu(Tensor x, float alpha) =>
        Ops.Add(Ops.Relu(x), Ops.Minimum(Tensor.Scalar(0f), Ops.Multiply(Ops.Add(Ops.Exp(Ops.Multiply(Ops.Minimum(x, Tensor.Scalar(0f)), 1f / alpha)), -1f), alpha)));

    private static Tensor Softplus(Tensor x) =>
        Ops.Add(Ops.Relu(x), Ops.Log(Ops.Add(Ops.Exp(Ops.Negate(Ops.Abs(x))), 1f)));

    private static Tensor ThresholdedRelu(Tensor x, float alpha) =>
        Ops.Multiply(x, Ops.Map(x, v => v > alpha ? 1f : 0f));

    private static Tensor InstanceNorm(Tensor x, Tensor scale, Tensor bias, float eps)
    {
        var axes = Enumerable.Range(2, x.Rank - 2).ToArray();
        var mean = Ops.Mean(x, axes, keepDims: true);
        var centered = Ops.Subtract(x, mean);
        var variance = Ops.Mean(Ops.Multiply(centered, centered), axes, keepDims: true);
        var normalized = Ops.Divide(centered, Ops.Sqrt(Ops.Add(variance, eps)));
        int[] channelShape = [x.Dim(1), .. Enumerable.Repeat(1, x.Rank - 2)];
        return Ops.Add(Ops.Multiply(normalized, Ops.Reshape(scale, channelShape)), Ops.Reshape(bias, channelShape));
    }
}
