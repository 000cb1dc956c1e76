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
        _ => throw new NotSupportedException($"ONNX: operator {n.OpType} is not supported."),
    };

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
