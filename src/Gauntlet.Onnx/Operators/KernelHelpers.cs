using Gauntlet.Tensors;

namespace Gauntlet.Onnx.Operators;

/// <summary>Argument access, conversions and broadcasting shared by the operator families.</summary>
internal static class KernelHelpers
{
    internal static OnnxValue Arg(OnnxNode n, OnnxValue?[] a, int i) =>
        i < a.Length && a[i] is not null ? a[i]! : throw new ArgumentException($"{n.OpType}: required input {i} is missing.");

    internal static OnnxValue? Opt(OnnxValue?[] a, int i) => i < a.Length ? a[i] : null;

    internal static OnnxValue V(Tensor t) => OnnxValue.FromTensor(t);

    internal static OnnxValue V(Tensor t, OnnxDataType type) => OnnxValue.FromTensor(t, type);

    /// <summary>The value as a float tensor (integer values are converted, not differentiable).</summary>
    internal static Tensor F(OnnxValue v) => v.Float ?? Tensor.FromArray(v.Ints!.Select(x => (float)x).ToArray(), v.ShapeArray);

    /// <summary>The value as integers (float values are truncated).</summary>
    internal static long[] I(OnnxValue v) => v.Ints ?? v.Float!.ToArray().Select(x => (long)x).ToArray();

    internal static int[] ToInts(long[] v) => v.Select(x => checked((int)x)).ToArray();

    internal static OnnxValue Unary(OnnxValue x, Func<Tensor, Tensor> f, Func<long, long> g) =>
        x.IsFloat ? V(f(x.Float!), x.DataType) : OnnxValue.FromInts([.. x.Ints!.Select(g)], x.ShapeArray, x.DataType);

    internal static OnnxValue Variadic(OnnxNode n, OnnxValue?[] a, Func<OnnxValue, OnnxValue, OnnxValue> f)
    {
        var acc = Arg(n, a, 0);
        for (var i = 1; i < a.Length; i++)
        {
            acc = f(acc, Arg(n, a, i));
        }

        return acc;
    }

    internal static OnnxDataType FloatType(OnnxValue x, OnnxValue y) =>
        x.DataType == OnnxDataType.Double || y.DataType == OnnxDataType.Double ? OnnxDataType.Double : OnnxDataType.Float;

    /// <summary>Converts a float result back to the integer type of <paramref name="like"/> when that was integer.</summary>
    internal static OnnxValue AsTypeOf(OnnxValue result, OnnxValue like) =>
        like.IsFloat || !result.IsFloat ? result : OnnxValue.FromInts(I(result), result.ShapeArray, like.DataType);

    internal static int[] BroadcastShape(int[] a, int[] b, string op) => Shape.Broadcast(new Shape(a), new Shape(b), op).ToArray();

    /// <summary>Index into a row-major array of shape <paramref name="src"/> broadcast to <paramref name="dst"/>.</summary>
    internal static int[] BroadcastIndex(int[] src, int[] dst)
    {
        var size = dst.Aggregate(1, (p, d) => p * d);
        var map = new int[size];
        var rank = dst.Length;
        var srcStrides = new int[rank];
        var stride = 1;
        for (var i = rank - 1; i >= 0; i--)
        {
            var si = i - (rank - src.Length);
            var d = si >= 0 ? src[si] : 1;
            srcStrides[i] = d == 1 ? 0 : stride;
            stride *= d;
        }

        var idx = new int[rank];
        for (var k = 0; k < size; k++)
        {
            var off = 0;
            for (var i = 0; i < rank; i++)
            {
                off += idx[i] * srcStrides[i];
            }

            map[k] = off;
            for (var i = rank - 1; i >= 0; i--)
            {
                if (++idx[i] < dst[i])
                {
                    break;
                }

                idx[i] = 0;
            }
        }

        return map;
    }

    internal static OnnxValue IntBinary(OnnxValue x, OnnxValue y, OnnxDataType type, Func<long, long, long> f)
    {
        var (p, q) = (I(x), I(y));
        var shape = BroadcastShape(x.ShapeArray, y.ShapeArray, "ONNX");
        var mx = BroadcastIndex(x.ShapeArray, shape);
        var my = BroadcastIndex(y.ShapeArray, shape);
        var r = new long[mx.Length];
        for (var i = 0; i < r.Length; i++)
        {
            r[i] = f(p[mx[i]], q[my[i]]);
        }

        return OnnxValue.FromInts(r, shape, type);
    }

    internal static int[] AxesOf(OnnxNode n, OnnxValue?[] a, long opset, long inputFrom, int rank)
    {
        long[]? axes = opset >= inputFrom ? (Opt(a, 1) is { } v ? I(v) : null) : n.GetInts("axes");
        return axes is null ? [] : [.. axes.Select(ax => (int)(ax < 0 ? ax + rank : ax)).Order()];
    }

    internal static OnnxValue ReshapeValue(OnnxValue x, int[] shape) =>
        x.IsFloat ? V(Ops.Reshape(x.Float!, shape), x.DataType) : OnnxValue.FromInts(x.Ints!, shape, x.DataType);

    /// <summary>Selects <paramref name="indices"/> along <paramref name="axis"/> (float: differentiable).</summary>
    internal static OnnxValue Select(OnnxValue x, int axis, int[] indices)
    {
        var dims = x.ShapeArray;
        if (x.IsFloat)
        {
            if (indices.Length == 0)
            {
                var shape = (int[])dims.Clone();
                shape[axis] = 0;
                return V(Tensor.Zeros(shape), x.DataType);
            }

            var contiguous = indices.Select((v, i) => v - i).Distinct().Count() == 1;
            if (contiguous && indices.Length == dims[axis])
            {
                return x;
            }

            var t = contiguous ? Ops.Slice(x.Float!, axis, indices[0], indices[0] + indices.Length) : Ops.IndexSelect(x.Float!, axis, indices);
            return V(t, x.DataType);
        }

        var outer = dims[..axis].Aggregate(1, (p, d) => p * d);
        var inner = dims[(axis + 1)..].Aggregate(1, (p, d) => p * d);
        var r = new long[outer * indices.Length * inner];
        var pos = 0;
        for (var o = 0; o < outer; o++)
        {
            foreach (var idx in indices)
            {
                Array.Copy(x.Ints!, ((o * dims[axis]) + idx) * inner, r, pos, inner);
                pos += inner;
            }
        }

        var outShape = (int[])dims.Clone();
        outShape[axis] = indices.Length;
        return OnnxValue.FromInts(r, outShape, x.DataType);
    }

    internal static long Wrap(long v, OnnxDataType to) => to switch
    {
        OnnxDataType.UInt8 => (byte)v,
        OnnxDataType.Int8 => (sbyte)v,
        OnnxDataType.UInt16 => (ushort)v,
        OnnxDataType.Int16 => (short)v,
        OnnxDataType.Int32 => (int)v,
        OnnxDataType.UInt32 => (uint)v,
        _ => v,
    };
}
