using Gauntlet.Tensors;
using static Gauntlet.Onnx.Operators.KernelHelpers;

namespace Gauntlet.Onnx.Operators;

/// <summary>Reductions over axes, arg-reductions and the cumulative sum.</summary>
internal static class ReductionOps
{
    /// <summary>Adds this family's operators to <paramref name="registry"/>.</summary>
    public static void Register(OnnxOperatorRegistry registry)
    {
        // Shared by several operator types; the kernel reads node.OpType.
        OnnxKernel reduce = (n, a, opset) => [Reduce(n, a, opset)];
        registry.Add("ReduceMean", reduce);
        registry.Add("ReduceSum", reduce);
        registry.Add("ReduceMax", reduce);
        registry.Add("ReduceMin", reduce);
        registry.Add("ReduceL1", reduce);
        registry.Add("ReduceL2", reduce);
        registry.Add("ReduceSumSquare", reduce);
        registry.Add("ReduceLogSum", reduce);
        registry.Add("ReduceLogSumExp", reduce);
        registry.Add("ArgMax", (n, a, _) => [ArgMax(n, F(Arg(n, a, 0)))]);
        registry.Add("ArgMin", (n, a, _) => [ArgMax(n, Ops.Negate(F(Arg(n, a, 0))))]);
        registry.Add("CumSum", (n, a, _) => [CumSum(n, Arg(n, a, 0), Arg(n, a, 1))]);
    }

    private static OnnxValue Reduce(OnnxNode n, OnnxValue?[] a, long opset)
    {
        var x = F(Arg(n, a, 0));
        var inputFrom = n.OpType == "ReduceSum" ? 13 : 18;
        if (!Arg(n, a, 0).IsFloat && n.OpType is not ("ReduceSum" or "ReduceMax" or "ReduceMin" or "ReduceMean"))
        {
            throw new NotSupportedException($"{n.OpType}: integer inputs are not supported.");
        }

        var axes = AxesOf(n, a, opset, inputFrom, x.Rank);
        var keep = n.GetInt("keepdims", 1) != 0;
        if (axes.Length == 0)
        {
            if (n.GetInt("noop_with_empty_axes", 0) != 0)
            {
                return Arg(n, a, 0);
            }

            axes = [.. Enumerable.Range(0, x.Rank)];
        }

        if (x.Size == 0)
        {
            throw new NotSupportedException($"{n.OpType}: empty inputs are not supported.");
        }

        var y = ReduceOver(n.OpType, x, axes, keep);
        var result = V(y, Arg(n, a, 0).DataType == OnnxDataType.Double ? OnnxDataType.Double : OnnxDataType.Float);
        return Arg(n, a, 0).IsFloat ? result : OnnxValue.FromInts(I(result), y.Shape.ToArray(), Arg(n, a, 0).DataType);
    }

    /// <summary>A reduction over <paramref name="axes"/> (sorted, non-empty).</summary>
    internal static Tensor ReduceOver(string op, Tensor x, int[] axes, bool keep)
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

    private static OnnxValue ArgMax(OnnxNode n, Tensor x)
    {
        var axis = Shape.NormalizeAxis((int)n.GetInt("axis", 0), x.Rank, "ArgMax");
        var keep = n.GetInt("keepdims", 1) != 0;
        int[] idx;
        if (n.GetInt("select_last_index", 0) != 0)
        {
            // Reverse along the axis, take the first maximum, map back.
            var dim = x.Dim(axis);
            var rev = Ops.IndexSelect(x, axis, [.. Enumerable.Range(0, dim).Reverse()]);
            idx = [.. Ops.ArgMax(rev, axis).Select(i => dim - 1 - i)];
        }
        else
        {
            idx = Ops.ArgMax(x, axis);
        }

        var dims = x.Shape.ToArray();
        int[] shape = keep ? [.. dims[..axis], 1, .. dims[(axis + 1)..]] : [.. dims[..axis], .. dims[(axis + 1)..]];
        return OnnxValue.FromInts([.. idx.Select(i => (long)i)], shape);
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
}
