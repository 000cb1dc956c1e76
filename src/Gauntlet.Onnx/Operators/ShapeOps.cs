using Gauntlet.Tensors;
using static Gauntlet.Onnx.Operators.KernelHelpers;

namespace Gauntlet.Onnx.Operators;

/// <summary>Shape queries and reshaping: the values move, none change.</summary>
internal static class ShapeOps
{
    /// <summary>Adds this family's operators to <paramref name="registry"/>.</summary>
    public static void Register(OnnxOperatorRegistry registry)
    {
        registry.Add("Shape", (n, a, _) => [ShapeOp(n, Arg(n, a, 0))]);
        registry.Add("Size", (n, a, _) => [OnnxValue.FromInts([Arg(n, a, 0).Size], [])]);
        registry.Add("Reshape", (n, a, opset) => [Reshape(n, a, opset)]);
        registry.Add("Flatten", (n, a, _) => [Flatten(n, Arg(n, a, 0))]);
        registry.Add("Transpose", (n, a, _) => [Transpose(n, Arg(n, a, 0))]);
        registry.Add("Squeeze", (n, a, opset) => [Squeeze(n, a, opset)]);
        registry.Add("Unsqueeze", (n, a, opset) => [Unsqueeze(n, a, opset)]);
        registry.Add("Expand", (n, a, _) => [Expand(Arg(n, a, 0), I(Arg(n, a, 1)))]);
        // Shared by several operator types; the kernel reads node.OpType.
        OnnxKernel spaceDepth = (n, a, _) => [SpaceDepth(n, Arg(n, a, 0))];
        registry.Add("DepthToSpace", spaceDepth);
        registry.Add("SpaceToDepth", spaceDepth);
    }

    private static OnnxValue ShapeOp(OnnxNode n, OnnxValue x)
    {
        var dims = x.ShapeArray;
        var rank = dims.Length;
        var start = (int)n.GetInt("start", 0);
        var end = (int)n.GetInt("end", rank);
        start = Math.Clamp(start < 0 ? start + rank : start, 0, rank);
        end = Math.Clamp(end < 0 ? end + rank : end, 0, rank);
        var r = dims[start..Math.Max(start, end)].Select(d => (long)d).ToArray();
        return OnnxValue.FromInts(r, [r.Length]);
    }

    private static OnnxValue Flatten(OnnxNode n, OnnxValue x)
    {
        var dims = x.ShapeArray;
        var axis = (int)n.GetInt("axis", 1);
        if (axis < 0)
        {
            axis += dims.Length;
        }

        var outer = dims[..axis].Aggregate(1, (p, d) => p * d);
        var inner = dims[axis..].Aggregate(1, (p, d) => p * d);
        return ReshapeValue(x, [outer, inner]);
    }

    private static OnnxValue Reshape(OnnxNode n, OnnxValue?[] a, long opset)
    {
        var x = Arg(n, a, 0);
        var target = ToInts(opset < 5 ? n.GetInts("shape") ?? [] : I(Arg(n, a, 1)));
        var allowZero = n.GetInt("allowzero", 0) != 0;
        var dims = x.ShapeArray;
        for (var i = 0; i < target.Length; i++)
        {
            if (target[i] == 0 && !allowZero)
            {
                target[i] = dims[i];
            }
        }

        if (target.Contains(-1))
        {
            var known = target.Where(d => d != -1).Aggregate(1, (p, d) => p * d);
            target[Array.IndexOf(target, -1)] = known == 0 ? 0 : x.Size / known;
        }

        return ReshapeValue(x, target);
    }

    private static OnnxValue Transpose(OnnxNode n, OnnxValue x)
    {
        var rank = x.Dims.Count;
        var perm = n.GetInts("perm") is { Length: > 0 } p ? ToInts(p) : Enumerable.Range(0, rank).Reverse().ToArray();
        if (x.IsFloat)
        {
            return V(Ops.Permute(x.Float!, perm), x.DataType);
        }

        var y = Ops.Permute(F(x), perm);
        return OnnxValue.FromInts(I(OnnxValue.FromTensor(y)), y.Shape.ToArray(), x.DataType);
    }

    private static OnnxValue Squeeze(OnnxNode n, OnnxValue?[] a, long opset)
    {
        var x = Arg(n, a, 0);
        var dims = x.ShapeArray;
        var axes = AxesOf(n, a, opset, 13, dims.Length);
        if (axes.Length == 0)
        {
            axes = [.. Enumerable.Range(0, dims.Length).Where(i => dims[i] == 1)];
        }

        foreach (var ax in axes)
        {
            if (dims[ax] != 1)
            {
                throw new ArgumentException($"Squeeze: axis {ax} of shape [{string.Join(", ", dims)}] is not 1.");
            }
        }

        return ReshapeValue(x, [.. dims.Where((_, i) => !axes.Contains(i))]);
    }

    private static OnnxValue Unsqueeze(OnnxNode n, OnnxValue?[] a, long opset)
    {
        var x = Arg(n, a, 0);
        var dims = x.ShapeArray;
        var raw = opset >= 13 ? I(Arg(n, a, 1)) : n.GetInts("axes") ?? [];
        var outRank = dims.Length + raw.Length;
        var axes = raw.Select(ax => (int)(ax < 0 ? ax + outRank : ax)).ToHashSet();
        var result = new int[outRank];
        var src = 0;
        for (var i = 0; i < outRank; i++)
        {
            result[i] = axes.Contains(i) ? 1 : dims[src++];
        }

        return ReshapeValue(x, result);
    }

    private static OnnxValue Expand(OnnxValue x, long[] shape)
    {
        var target = BroadcastShape(x.ShapeArray, ToInts(shape), "Expand");
        if (x.IsFloat)
        {
            return V(Ops.BroadcastTo(x.Float!, new Shape(target)), x.DataType);
        }

        var map = BroadcastIndex(x.ShapeArray, target);
        return OnnxValue.FromInts([.. map.Select(i => x.Ints![i])], target, x.DataType);
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
}
