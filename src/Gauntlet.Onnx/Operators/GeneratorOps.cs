using Gauntlet.Tensors;
using static Gauntlet.Onnx.Operators.KernelHelpers;

namespace Gauntlet.Onnx.Operators;

/// <summary>Operators that make new values from attributes or shapes.</summary>
internal static class GeneratorOps
{
    /// <summary>Adds this family's operators to <paramref name="registry"/>.</summary>
    public static void Register(OnnxOperatorRegistry registry)
    {
        registry.Add("Constant", (n, a, _) => [Constant(n)]);
        registry.Add("ConstantOfShape", (n, a, _) => [ConstantOfShape(n, Arg(n, a, 0))]);
        registry.Add("EyeLike", (n, a, _) => [EyeLike(n, Arg(n, a, 0))]);
        registry.Add("OneHot", (n, a, _) => [OneHot(n, Arg(n, a, 0), Arg(n, a, 1), Arg(n, a, 2))]);
        registry.Add("Range", (n, a, _) => [Range(Arg(n, a, 0), Arg(n, a, 1), Arg(n, a, 2))]);
    }

    private static OnnxValue Constant(OnnxNode n)
    {
        if (n.Attributes.TryGetValue("value", out var t) && t.Tensor is not null)
        {
            return OnnxValue.FromOnnxTensor(t.Tensor);
        }

        if (n.Attributes.TryGetValue("value_float", out var f))
        {
            return V(Tensor.Scalar(f.Float));
        }

        if (n.Attributes.TryGetValue("value_floats", out var fs))
        {
            return V(Tensor.FromArray([.. fs.Floats], fs.Floats.Count));
        }

        if (n.Attributes.TryGetValue("value_int", out var i))
        {
            return OnnxValue.FromInts([i.Int], []);
        }

        if (n.Attributes.TryGetValue("value_ints", out var iv))
        {
            return OnnxValue.FromInts([.. iv.Ints], [iv.Ints.Count]);
        }

        throw new NotSupportedException("Constant: only tensor, float(s) and int(s) values are supported.");
    }

    private static OnnxValue ConstantOfShape(OnnxNode n, OnnxValue shapeValue)
    {
        var shape = ToInts(I(shapeValue));
        var size = shape.Aggregate(1, (p, d) => p * d);
        var proto = n.Attributes.TryGetValue("value", out var t) && t.Tensor is not null ? OnnxValue.FromOnnxTensor(t.Tensor) : null;
        if (proto is null || proto.IsFloat)
        {
            var fill = proto is null ? 0f : proto.Float!.ToArray()[0];
            return V(Tensor.FromArray(Enumerable.Repeat(fill, size).ToArray(), shape), proto?.DataType ?? OnnxDataType.Float);
        }

        return OnnxValue.FromInts(Enumerable.Repeat(proto.Ints![0], size).ToArray(), shape, proto.DataType);
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

    private static OnnxValue Range(OnnxValue start, OnnxValue limit, OnnxValue delta)
    {
        if (start.IsFloat)
        {
            var (s, l, d) = (F(start).ToArray()[0], F(limit).ToArray()[0], F(delta).ToArray()[0]);
            var count = Math.Max(0, (int)Math.Ceiling((l - s) / d));
            var r = new float[count];
            for (var i = 0; i < count; i++)
            {
                r[i] = s + (i * d);
            }

            return V(Tensor.FromArray(r, count), start.DataType);
        }

        var (si, li, di) = (I(start)[0], I(limit)[0], I(delta)[0]);
        var c = (int)Math.Max(0, (long)Math.Ceiling((li - si) / (double)di));
        return OnnxValue.FromInts([.. Enumerable.Range(0, c).Select(i => si + (i * di))], [c], start.DataType);
    }
}
